// Escaping text for XML 1.0 attributes and content (the JUnit report): the
// five markup characters become entities, and what XML 1.0 cannot carry at
// all (control characters, invalid UTF-8, U+FFFE/U+FFFF) becomes U+FFFD, so
// a plugin message with stray bytes cannot make the report unparsable.
#pragma once

#include <string>
#include <string_view>

namespace tensorplug::conformance::runner {

std::string xml_escape(std::string_view text);

}  // namespace tensorplug::conformance::runner
