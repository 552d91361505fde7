// The pieces of the digits example (examples/digits/): the data set reader,
// the split, the shuffling, the progress bar, the models and optimizers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>

#include "../../../examples/common/optimizer.hpp"
#include "../../../examples/common/progress.hpp"
#include "../../../examples/digits/dataset.hpp"
#include "../../../examples/digits/model.hpp"
#include "tensorplug/resolve.hpp"

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// From the source directory CMake gives, not __FILE__: ccache's base_dir
// makes __FILE__ relative to the build directory, not to where tests run.
const fs::path kData =
    fs::path(TENSORPLUG_SOURCE_DIR) / "examples/data/digits.csv";

std::string parse_error(const std::string& text) {
  std::istringstream in(text);
  try {
    digits::parse_csv(in, "t.csv");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  FAIL("no error for " << text);
  return {};
}

tensorplug::Backend reference(const std::string& format) {
  tensorplug::ResolveOptions resolve;
  resolve.use_environment = false;
  tensorplug::LoadOptions options;
  options.announce = false;
  auto settings = tensorplug::Settings::defaults("reference");
  settings.set_image_data_format(format);
  return tensorplug::load_backend_at(
      tensorplug::resolve_backend("reference", resolve), settings, options);
}

}  // namespace

TEST_CASE("The shipped digits data set has 1,797 labelled 8x8 images",
          "[app]") {
  const digits::Dataset d = digits::load_csv(kData);
  CHECK(d.size() == 1797);
  CHECK(d.pixels.size() == 1797 * 64);
  CHECK(*std::max_element(d.pixels.begin(), d.pixels.end()) == 1.0f);
  CHECK(*std::min_element(d.pixels.begin(), d.pixels.end()) == 0.0f);
  CHECK(std::set<int>(d.labels.begin(), d.labels.end()).size() == 10);
  CHECK(d.labels.front() == 0);
  // The first row of the file: 0,0,5,13,9,1,0,0,...
  CHECK(d.pixels[2] == 5.0f / 16);
  CHECK(d.pixels[3] == 13.0f / 16);

  SECTION("the split is stratified, fixed and disjoint") {
    const auto [train, test] = digits::split(d);
    CHECK(train.size() == 1438);
    CHECK(test.size() == 359);
    for (int c = 0; c < 10; ++c) {
      const auto n = std::count(test.labels.begin(), test.labels.end(), c);
      CHECK(n >= 35);
      CHECK(n <= 37);
    }
    const auto again = digits::split(d);
    CHECK(again.second.labels == test.labels);
    CHECK(again.second.pixels == test.pixels);
  }
}

TEST_CASE("Malformed data set rows are refused with the line and the reason",
          "[app]") {
  std::string row;
  for (int i = 0; i < 64; ++i) row += "1,";
  CHECK_THAT(parse_error(row + "3\n" + row + "x\n"),
             Contains("t.csv:2") && Contains("`x` is not an integer"));
  CHECK_THAT(parse_error("1,2,3\n"), Contains("expected 65 values"));
  CHECK_THAT(parse_error(row + "10\n"), Contains("label 10 is outside 0..9"));
  CHECK_THAT(parse_error("17," + row.substr(2) + "1\n"),
             Contains("pixel 0 is 17, outside 0..16"));
  CHECK_THAT(parse_error(""), Contains("no rows"));
  CHECK_THROWS_WITH(digits::load_csv("/nonexistent/digits.csv"),
                    Contains("cannot open the data set"));
}

TEST_CASE("Shuffling is a seeded permutation and batches carry one-hot labels",
          "[app]") {
  std::mt19937 a(7), b(7), c(8);
  const auto p = digits::shuffled_indices(100, a);
  CHECK(p == digits::shuffled_indices(100, b));
  CHECK(p != digits::shuffled_indices(100, c));
  auto sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) CHECK(sorted[i] == i);

  digits::Dataset d;
  d.pixels.assign(3 * 64, 0.0f);
  d.pixels[64] = 1.0f;
  d.labels = {4, 7, 0};
  const auto batch = digits::gather_batch(d, {1, 2, 0}, 0, 2);
  CHECK(batch.rows == 2);
  CHECK(batch.labels == std::vector<int>{7, 0});
  CHECK(batch.pixels.size() == 128);
  CHECK(batch.pixels[0] == 1.0f);
  CHECK(batch.one_hot[7] == 1.0f);
  CHECK(batch.one_hot[10] == 1.0f);
  CHECK(std::count(batch.one_hot.begin(), batch.one_hot.end(), 1.0f) == 2);

  std::vector<float> probs(20, 0.0f);
  probs[7] = 0.9f;   // right
  probs[13] = 0.9f;  // wrong (true label 0)
  CHECK(digits::count_correct(probs, {7, 0}) == 1);
}

TEST_CASE("The progress bar looks like Keras's", "[app]") {
  CHECK(tpex::progress_bar(12, 45) == "12/45 [=======>......................]");
  CHECK(tpex::progress_bar(45, 45) == "45/45 [==============================]");
  CHECK(tpex::progress_bar(1, 45) == " 1/45 [..............................]");
  CHECK(tpex::metrics(0.43214, 0.87649) == " - loss: 0.4321 - acc: 0.8765");
  CHECK(tpex::metrics(0.5, 0.25, "val_") ==
        " - val_loss: 0.5000 - val_acc: 0.2500");
  SECTION("a step's time is in s, ms or us, never 0ms") {
    CHECK(tpex::per_step(2.4) == "2s/step");
    CHECK(tpex::per_step(0.048) == "48ms/step");
    CHECK(tpex::per_step(0.0002) == "200us/step");
  }
  SECTION("the ETA is in seconds, then m:ss, then h:mm:ss") {
    CHECK(tpex::eta(7.4) == "7s");
    CHECK(tpex::eta(125) == "2:05");
    CHECK(tpex::eta(3725) == "1:02:05");
    CHECK(tpex::eta(-1) == "0s");
  }
}

TEST_CASE("Progress written to a log file has no carriage returns", "[app]") {
  std::FILE* log = std::tmpfile();
  REQUIRE(log != nullptr);
  tpex::Progress progress(log, /*tty=*/false);
  progress.begin_epoch(1, 2);
  for (std::size_t k = 1; k <= 100; ++k) progress.batch(k, 100, 0.5, 0.5);
  progress.end_epoch(100, 2.0, 0.5, 0.75, tpex::Validation{0.25, 0.875});
  std::rewind(log);
  std::string text;
  for (int c = std::fgetc(log); c != EOF; c = std::fgetc(log))
    text += static_cast<char>(c);
  std::fclose(log);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text ==
        "Epoch 1/2\n100/100 [==============================] - 2s 20ms/step"
        " - loss: 0.5000 - acc: 0.7500 - val_loss: 0.2500 - val_acc: 0.8750\n");
}

TEST_CASE("Both models follow image_data_format and train a step", "[app]") {
  for (const std::string format : {"channels_last", "channels_first"}) {
    SECTION(format) {
      const auto b = reference(format);
      for (const char* op : {"conv2d", "pool2d", "bias_add", "softmax",
                             "gradients", "categorical_crossentropy",
                             "batch_flatten", "permute_dimensions"}) {
        if (!b.provides(op)) {
          WARN("skipped: the reference backend does not export " << op);
          return;
        }
      }
      std::mt19937 rng(1);
      const auto cnn = digits::build_model("cnn", b, rng);
      CHECK(cnn.input_shape == (format == "channels_last"
                                    ? std::vector<std::int64_t>{-1, 8, 8, 1}
                                    : std::vector<std::int64_t>{-1, 1, 8, 8}));
      CHECK(tensorplug::int_shape(cnn.probabilities) ==
            std::vector<std::int64_t>{-1, 10});
      CHECK(cnn.parameters == 3 * 3 * 8 + 8 + 72 * 10 + 10);
      const auto mlp = digits::build_model("mlp", b, rng);
      CHECK(mlp.parameters == 64 * 64 + 64 + 64 * 10 + 10);

      const auto y = b.placeholder({-1, 10}, tensorplug::dtype::float32);
      const auto loss = digits::K::mean(
          digits::K::categorical_crossentropy(y, cnn.probabilities));
      for (const char* opt : {"sgd", "adam"}) {
        const auto f = b.function(
            {cnn.input, y}, {loss},
            tpex::optimizer_updates(opt, b, loss, cnn.weights, 0.01));
        std::vector<float> x(2 * 64, 0.5f), t(20, 0.0f);
        t[3] = t[15] = 1.0f;
        const auto shape = std::vector<std::int64_t>{
            2, cnn.input_shape[1], cnn.input_shape[2], cnn.input_shape[3]};
        const auto in =
            tensorplug::Array::of<float>(shape, std::span<const float>(x));
        const auto labels =
            tensorplug::Array::of<float>({2, 10}, std::span<const float>(t));
        const float first = f({in, labels}).at(0).to_vector<float>().at(0);
        float last = first;
        for (int i = 0; i < 5; ++i)
          last = f({in, labels}).at(0).to_vector<float>().at(0);
        INFO(opt);
        CHECK(last < first);
      }
      CHECK_THROWS_WITH(digits::build_model("rnn", b, rng),
                        Contains("unknown model"));
    }
  }
}
