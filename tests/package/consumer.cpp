// Uses only the installed package: loads the builtin reference backend from
// the install tree and a plugin this project built, by dotted name.
#include <tensorplug/backend.hpp>
#include <tensorplug/errors.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

int main() {
  try {
    char pattern[] = "/tmp/tensorplug-consumer-XXXXXX";
    const char* dir = ::mkdtemp(pattern);
    if (dir == nullptr) return 1;
    tensorplug::LoadOptions options;
    options.config.config_dir = dir;
    options.config.use_environment = false;
    options.resolve.use_environment = false;
    options.resolve.search_roots = {CONSUMER_ROOT};

    auto reference = tensorplug::load_backend("reference", options);
    auto mine = tensorplug::load_backend("consumer_pkg.mine", options);
    auto x = mine.placeholder({3});
    auto f = mine.function({x}, {x});
    auto out = f({tensorplug::Array::of<float>({3}, {1, 2, 3})});
    std::printf("reference from %s\nmine from %s\noutput %g %g %g\n",
                reference.library_path().c_str(), mine.library_path().c_str(),
                out[0].to_vector<float>()[0], out[0].to_vector<float>()[1],
                out[0].to_vector<float>()[2]);
    std::filesystem::remove_all(dir);
    return out[0].to_vector<float>() == std::vector<float>{1, 2, 3} ? 0 : 1;
  } catch (const tensorplug::Error& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return static_cast<int>(e.code());
  }
}
