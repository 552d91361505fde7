// Fuzz target: the name resolver. A name is either refused or resolved to a
// file under the one search root; no name may reach outside it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tensorplug/errors.hpp"
#include "tensorplug/resolve.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace tensorplug;
  namespace fs = std::filesystem;
  const std::string name(reinterpret_cast<const char*>(data), size);
  (void)check_backend_name(name);
  static const fs::path root = fs::temp_directory_path();
  ResolveOptions options;
  options.use_environment = false;
  options.search_roots = {root};
  options.builtin_dir = root / "tensorplug-fuzz-no-builtins";
  try {
    const Resolution r = resolve_backend(name, options);
    const fs::path rel = r.library.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") std::abort();  // escaped
  } catch (const Error&) {
  }
  return 0;
}
