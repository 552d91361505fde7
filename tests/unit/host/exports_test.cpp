// The host library exports its public API only (issue 12, class 10): its
// dynamic symbol table, read as the loader reads it, holds nothing of
// tensorplug::detail and no template instantiations of std:: or Boost.
#include <cxxabi.h>
#include <elf.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "inspect/elf_dynamic.hpp"
#include "inspect/mapped_file.hpp"

namespace {

std::string demangle(std::string_view name) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> out(
      abi::__cxa_demangle(std::string(name).c_str(), nullptr, nullptr, &status),
      &std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

}  // namespace

TEST_CASE("The host library exports the public API and nothing else",
          "[exports]") {
  using namespace tensorplug::detail;
  const MappedFile file = MappedFile::open(TENSORPLUG_LIBRARY_PATH);
  REQUIRE(file.ok());
  const DynamicExports exports = read_dynamic_exports(file.bytes(), "");
  REQUIRE(exports.error.empty());
  std::size_t defined = 0;
  std::string unexpected;
  for (const auto& s : exports.symbols) {
    if (!s.defined || s.name.empty()) continue;
    ++defined;
    const std::string name = demangle(s.name);
    std::string_view rest = name;
    for (const std::string_view prefix :
         {"typeinfo for ", "typeinfo name for ", "vtable for "}) {
      if (rest.starts_with(prefix)) rest.remove_prefix(prefix.size());
    }
    const bool ok = rest.starts_with("tensorplug::") &&
                    !rest.starts_with("tensorplug::detail::");
    if (!ok) unexpected += "\n  " + name;
  }
  INFO("unexpected exports:" << unexpected);
  CHECK(unexpected.empty());
  CHECK(defined > 50);  // the API is there
  SECTION("the test hooks in particular are not exported") {
    for (const auto& s : exports.symbols) {
      CHECK(demangle(s.name).find("for_testing") == std::string::npos);
    }
  }
}
