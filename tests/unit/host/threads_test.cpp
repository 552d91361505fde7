// Threads (issue 12): loading, using and unloading backends from many
// threads at once, two contexts on two threads, and configuration reads and
// writes racing each other. Tagged [threads]: the tsan preset runs exactly
// these under ThreadSanitizer (tensorplug_tsan_tests, label `tsan`).
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "fixture_paths.hpp"
#include "temp_dir.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/config_file.hpp"
#include "tensorplug/errors.hpp"

using namespace tensorplug;
using tensorplug::test::TempDir;

namespace {

Backend load_file(const char* path) {
  LoadOptions options;
  options.announce = false;
  return load_backend_at(resolve_library_file(path),
                         Settings::defaults("reference"), options);
}

/// Runs `body(thread index)` on `n` threads; returns how many threw.
template <class Body>
int on_threads(int n, const Body& body) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      try {
        body(t);
      } catch (...) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  return failures.load();
}

}  // namespace

TEST_CASE("Eight threads load, use and unload backends a thousand times in all",
          "[threads]") {
  std::atomic<int> wrong{0};
  const int failures = on_threads(8, [&](int t) {
    for (int i = 0; i < 125; ++i) {
      // Two different libraries, loaded and unloaded interleaved.
      Backend backend =
          load_file((i + t) % 2 ? fixtures::kValid : fixtures::kMyModule);
      auto x = backend.placeholder({2});
      auto f = backend.function({x}, {x});
      const float v = static_cast<float>(i);
      const auto out = f({Array::of<float>({2}, {v, -v})});
      if (out.size() != 1 ||
          out[0].to_vector<float>() != std::vector<float>{v, -v}) {
        ++wrong;
      }
    }
  });
  CHECK(failures == 0);
  CHECK(wrong == 0);
}

TEST_CASE("Two contexts of one backend are used on two threads at once",
          "[threads]") {
  Backend a = load_file(fixtures::kValid);
  Backend b = load_file(fixtures::kValid);
  std::atomic<int> wrong{0};
  const int failures = on_threads(2, [&](int t) {
    const Backend& mine = t == 0 ? a : b;
    auto x = mine.placeholder({3});
    auto w = mine.variable(Array::of<float>({3}, {1, 2, 3}));
    auto f = mine.function({x}, {x, w});
    for (int i = 0; i < 1000; ++i) {
      const float v = static_cast<float>(i + t);
      const auto out = f({Array::of<float>({3}, {v, v, v})});
      if (out.size() != 2 || out[0].to_vector<float>()[2] != v ||
          out[1].to_vector<float>() != std::vector<float>{1, 2, 3}) {
        ++wrong;
      }
    }
  });
  CHECK(failures == 0);
  CHECK(wrong == 0);
}

TEST_CASE("Configuration reads and writes race without errors or lost edits",
          "[threads]") {
  TempDir dir;
  ConfigOptions options;
  options.config_dir = dir.path();
  options.use_environment = false;
  dir.write("keras.json", "{\n    \"backend\": \"reference\"\n}\n");
  std::atomic<int> writers_left{3};
  std::atomic<int> bad_reads{0};
  const char* keys[] = {"floatx", "epsilon", "image_data_format"};
  const char* values[] = {"float64", "0.001", "channels_first"};
  const int failures = on_threads(5, [&](int t) {
    if (t < 3) {
      // Writers: each sets and unsets its own key.
      struct Leave {
        std::atomic<int>& left;
        ~Leave() { --left; }
      } leave{writers_left};
      for (int i = 0; i < 40; ++i) {
        set_config_value(keys[t], values[t], options);
        if (i + 1 < 40) unset_config_value(keys[t], options);
      }
      return;
    }
    // Readers: every read sees a whole, valid file.
    while (writers_left.load() > 0) {
      const Config config = load_config(options);
      if (config.settings.backend.value != "reference") ++bad_reads;
    }
  });
  CHECK(failures == 0);
  CHECK(bad_reads == 0);
  const auto contents = read_keras_json(options);
  CHECK(contents.find("floatx") == "\"float64\"");
  CHECK(contents.find("epsilon").has_value());
  CHECK(contents.find("image_data_format") == "\"channels_first\"");
}
