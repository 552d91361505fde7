// --sanitizer-runtime: running a backend built with AddressSanitizer under a
// runner that is not. ASan's runtime must be the first library of a process
// ("ASan runtime does not come first in initial library list"), which a
// plugin loaded with dlopen() can never be; preloading the runtime into the
// group children (LD_PRELOAD) makes it so. docs/conformance.md, Sanitizers.
#pragma once

#include <string>
#include <string_view>

namespace tensorplug::conformance::runner {

/// The runtime library to preload for `--sanitizer-runtime <value>` and the
/// backend library `library`: `value` itself when it is a path (contains
/// '/'); for `asan`, the AddressSanitizer runtime that `library` needs, as
/// the system loader resolves its dependencies (`ldd`, which lists them
/// without running any of the library's code). Throws std::runtime_error
/// saying why none was found.
std::string find_sanitizer_runtime(const std::string& value,
                                   const std::string& library);

/// Puts `runtime` first in LD_PRELOAD in this process, so that every child
/// the runner starts has it (the runner itself is not re-executed).
void preload_in_children(const std::string& runtime);

/// What a child's output says when the backend needs the ASan runtime first:
/// the message ASan dies with, which the runner answers with kAsanOrderHint.
inline constexpr std::string_view kAsanOrderMessage =
    "ASan runtime does not come first in initial library list";
inline constexpr std::string_view kAsanOrderHint =
    "the backend is built with AddressSanitizer and this runner is not: run "
    "it with --sanitizer-runtime asan, which preloads the runtime the backend "
    "needs into the group children (docs/conformance.md, Sanitizers)";

}  // namespace tensorplug::conformance::runner
