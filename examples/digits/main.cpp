// tensorplug-digits: trains a small classifier on the UCI 8x8 handwritten
// digits with whichever backend the configuration names, using only the
// public API (tensorplug/backend.hpp, tensorplug/keras.hpp). docs/app-guide.md
// walks through it.
#include <unistd.h>
#include <tensorplug/backend.hpp>
#include <tensorplug/errors.hpp>
#include <tensorplug/keras.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "../common/cli.hpp"
#include "../common/optimizer.hpp"
#include "../common/progress.hpp"
#include "dataset.hpp"
#include "model.hpp"

namespace fs = std::filesystem;
namespace K = tensorplug::keras;
using tensorplug::Array;
using tensorplug::Tensor;

namespace {

constexpr const char* kUsage = R"(usage: tensorplug-digits [options]

Trains a classifier on the UCI 8x8 handwritten digits (1,797 images; a
fixed stratified split: 1,438 train, 359 test) with the configured backend.

  --backend NAME      use this backend, as KERAS_BACKEND=NAME would
  --model mlp|cnn     64-64-10 perceptron, or a small convolutional net
                      laid out per image_data_format (default: mlp)
  --epochs N          passes over the training set (default: 10)
  --batch-size N      rows per update (default: 32)
  --optimizer sgd|adam  (default: adam)
  --lr X              learning rate (default: 0.01 for adam, 0.1 for sgd)
  --seed N            weights and shuffling (default: 1)
  --data PATH         the CSV (default: the data set shipped with tensorplug)
  --json              print one JSON line with the results on stdout
                      (progress then goes to stderr)
  -h, --help          this text
)";

struct Options {
  std::optional<std::string> backend;
  std::string model = "mlp";
  int epochs = 10;
  std::size_t batch_size = 32;
  std::string optimizer = "adam";
  std::optional<double> lr;
  std::uint32_t seed = 1;
  std::optional<fs::path> data;
  bool json = false;
};

using tpex::json_string;
using tpex::to_integer;
using tpex::UsageError;

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--json") {
      o.json = true;
      continue;
    }
    if (i + 1 >= argc)
      throw UsageError("unknown option or missing value: " + arg);
    const std::string v = argv[++i];
    if (arg == "--backend") {
      o.backend = v;
    } else if (arg == "--model") {
      if (v != "mlp" && v != "cnn") throw UsageError("--model is mlp or cnn");
      o.model = v;
    } else if (arg == "--epochs") {
      o.epochs = static_cast<int>(to_integer(arg, v, 1));
    } else if (arg == "--batch-size") {
      o.batch_size = static_cast<std::size_t>(to_integer(arg, v, 1));
    } else if (arg == "--optimizer") {
      if (v != "sgd" && v != "adam") {
        throw UsageError("--optimizer is sgd or adam");
      }
      o.optimizer = v;
    } else if (arg == "--lr") {
      o.lr = tpex::to_positive(arg, v);
    } else if (arg == "--seed") {
      o.seed = static_cast<std::uint32_t>(to_integer(arg, v, 0));
    } else if (arg == "--data") {
      o.data = fs::path(v);
    } else {
      throw UsageError("unknown option " + arg);
    }
  }
  return o;
}

/// The shipped data set: next to the installed program
/// (<prefix>/share/tensorplug/data), else in the source tree.
fs::path default_data() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed =
        exe.parent_path() / DIGITS_INSTALLED_DATA_RELATIVE / "digits.csv";
    if (fs::exists(installed, ec)) return installed;
  }
  return fs::path(DIGITS_SOURCE_DATA_DIR) / "digits.csv";
}

/// A (rows, ...) float32 array of the model's input shape.
Array input_array(const digits::Model& m, const std::vector<float>& pixels,
                  std::size_t rows) {
  std::vector<std::int64_t> shape = m.input_shape;
  shape[0] = static_cast<std::int64_t>(rows);
  return Array::of<float>(shape, std::span<const float>(pixels));
}

struct Result {
  double loss = 0;
  double test_accuracy = 0;
  std::size_t correct = 0;
  std::size_t test_size = 0;
  double seconds = 0;
  std::size_t parameters = 0;
};

Result run(const Options& o, const tensorplug::Backend& backend,
           tpex::Progress& progress) {
  const auto start = std::chrono::steady_clock::now();
  const digits::Dataset all =
      digits::load_csv(o.data ? *o.data : default_data());
  const auto [train, test] = digits::split(all);

  std::mt19937 rng(o.seed);
  digits::Model m = digits::build_model(o.model, backend, rng);
  const Tensor y = backend.placeholder({-1, digits::kClasses},
                                       tensorplug::dtype::float32, "y");
  const Tensor loss = K::mean(K::categorical_crossentropy(y, m.probabilities));
  const double lr = o.lr.value_or(o.optimizer == "adam" ? 0.01 : 0.1);
  const auto updates =
      tpex::optimizer_updates(o.optimizer, backend, loss, m.weights, lr);
  const auto train_step = backend.function(
      {m.input, y}, {loss, m.probabilities}, updates, "train_step");
  const auto predict =
      backend.function({m.input}, {m.probabilities}, {}, "predict");

  Result r;
  r.parameters = m.parameters;
  const std::size_t batches = (train.size() + o.batch_size - 1) / o.batch_size;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    progress.begin_epoch(epoch, o.epochs);
    const auto epoch_start = std::chrono::steady_clock::now();
    const auto order = digits::shuffled_indices(train.size(), rng);
    double loss_sum = 0;
    std::size_t correct = 0, seen = 0;
    for (std::size_t k = 0; k < batches; ++k) {
      const std::size_t begin = k * o.batch_size;
      const std::size_t end = std::min(begin + o.batch_size, train.size());
      const auto batch = digits::gather_batch(train, order, begin, end);
      const auto out =
          train_step({input_array(m, batch.pixels, batch.rows),
                      Array::of<float>({static_cast<std::int64_t>(batch.rows),
                                        digits::kClasses},
                                       std::span<const float>(batch.one_hot))});
      loss_sum += out[0].to_vector<float>().at(0) * batch.rows;
      correct += digits::count_correct(out[1].to_vector<float>(), batch.labels);
      seen += batch.rows;
      progress.batch(k + 1, batches, loss_sum / seen,
                     static_cast<double>(correct) / seen);
    }
    const double secs = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - epoch_start)
                            .count();
    r.loss = loss_sum / seen;
    progress.end_epoch(batches, secs, r.loss,
                       static_cast<double>(correct) / seen);
  }

  std::vector<std::size_t> all_rows(test.size());
  for (std::size_t i = 0; i < all_rows.size(); ++i) all_rows[i] = i;
  const auto t = digits::gather_batch(test, all_rows, 0, test.size());
  const auto probs = predict({input_array(m, t.pixels, t.rows)});
  r.correct = digits::count_correct(probs[0].to_vector<float>(), t.labels);
  r.test_size = test.size();
  r.test_accuracy = static_cast<double>(r.correct) / r.test_size;
  r.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  return tpex::guarded_main(
      "tensorplug-digits", kUsage, argc, argv, parse, [](const Options& o) {
        const tensorplug::Backend backend = tpex::load_backend(o.backend);
        std::FILE* out = o.json ? stderr : stdout;
        tpex::Progress progress(out, ::isatty(::fileno(out)) == 1);
        const std::string format(
            tensorplug::to_string(backend.settings().image_data_format.value));
        if (!o.json) {
          std::printf("Model %s (%s), optimizer %s, backend %s\n",
                      o.model.c_str(), format.c_str(), o.optimizer.c_str(),
                      backend.name().c_str());
        }
        const Result r = run(o, backend, progress);
        if (o.json) {
          std::printf(
              "{\"backend\": %s, \"model\": %s, \"image_data_format\": %s, "
              "\"optimizer\": %s, \"epochs\": %d, \"batch_size\": %zu, "
              "\"seed\": %u, \"loss\": %.6f, \"test_accuracy\": %.6f, "
              "\"seconds\": %.3f}\n",
              json_string(backend.name()).c_str(), json_string(o.model).c_str(),
              json_string(format).c_str(), json_string(o.optimizer).c_str(),
              o.epochs, o.batch_size, o.seed, r.loss, r.test_accuracy,
              r.seconds);
        } else {
          std::printf(
              "Test accuracy: %.4f (%zu/%zu) - loss: %.4f - %zu parameters - "
              "%.1fs\n",
              r.test_accuracy, r.correct, r.test_size, r.loss, r.parameters,
              r.seconds);
        }
        return 0;
      });
}
