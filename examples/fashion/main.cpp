// tensorplug-fashion: trains a classifier of Fashion-MNIST (60,000 28x28
// clothing images, Debian's dataset-fashion-mnist) with Adam on whichever
// backend the configuration names, using only the public API
// (tensorplug/backend.hpp, tensorplug/keras.hpp). The README's main job.
#include <unistd.h>
#include <tensorplug/backend.hpp>
#include <tensorplug/errors.hpp>
#include <tensorplug/keras.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "../common/batches.hpp"
#include "../common/cli.hpp"
#include "../common/optimizer.hpp"
#include "../common/progress.hpp"
#include "../common/safetensors.hpp"
#include "idx.hpp"
#include "model.hpp"
#include "session.hpp"

namespace fs = std::filesystem;
namespace K = tensorplug::keras;
using tensorplug::Array;
using tensorplug::Tensor;
using tpex::UsageError;

using fashion::Session;

namespace {

constexpr const char* kUsage = R"(usage: tensorplug-fashion [options]

Trains a classifier of Fashion-MNIST (60,000 training and 10,000 test 28x28
images of 10 kinds of clothing) with Adam on the configured backend; the last
--validation training images are held out to validate each epoch, the test
set is evaluated at the end.

  --backend NAME       use this backend, as KERAS_BACKEND=NAME would
  --model cnn|mlp      two 3x3 convolutions, max-pooling, dropout, dense (as
                       Keras's mnist_cnn), laid out per image_data_format; or
                       a 784-256-10 perceptron with dropout (default: cnn)
  --epochs N           passes over the training set (default: 5 for the cnn,
                       10 for the mlp); 0 evaluates only (with --load)
  --batch-size N       images per update (default: 128)
  --lr X               Adam's learning rate (default: 0.002)
  --seed N             weights, shuffling and dropout (default: 1)
  --data DIR           the four .gz IDX files (default:
                       /usr/share/datasets/fashion-mnist)
  --train-size N       use the first N training images (default: all)
  --test-size N        use the first N test images (default: all)
  --validation N       training images held out for validation (default:
                       5000; 0: none)
  --save FILE          write the trained variables (safetensors)
  --load FILE          start from variables saved with --save, by any backend
  --history FILE       write per-epoch metrics as CSV (scripts/plot_history.py
                       draws them)
  --json               print one JSON line with the results on stdout
                       (progress then goes to stderr)
  -h, --help           this text
)";

struct Options {
  std::optional<std::string> backend;
  std::string model = "cnn";
  std::optional<int> epochs;
  std::size_t batch_size = 128;
  double lr = 0.002;
  std::uint32_t seed = 1;
  fs::path data = fashion::kDefaultDir;
  std::size_t train_size = 0, test_size = 0;
  std::size_t validation = 5000;
  std::optional<fs::path> save, load, history;
  bool json = false;
};

Options parse(int argc, char** argv) {
  using tpex::to_integer;
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
    if (i + 1 >= argc) {
      throw UsageError("unknown option or missing value: " + arg);
    }
    const std::string v = argv[++i];
    auto size = [&](long long min) {
      return static_cast<std::size_t>(to_integer(arg, v, min));
    };
    if (arg == "--backend") {
      o.backend = v;
    } else if (arg == "--model") {
      if (v != "mlp" && v != "cnn") throw UsageError("--model is cnn or mlp");
      o.model = v;
    } else if (arg == "--epochs") {
      o.epochs = static_cast<int>(to_integer(arg, v, 0));
    } else if (arg == "--batch-size") {
      o.batch_size = size(1);
    } else if (arg == "--lr") {
      o.lr = tpex::to_positive(arg, v);
    } else if (arg == "--seed") {
      o.seed = static_cast<std::uint32_t>(to_integer(arg, v, 0));
    } else if (arg == "--data") {
      o.data = v;
    } else if (arg == "--train-size") {
      o.train_size = size(1);
    } else if (arg == "--test-size") {
      o.test_size = size(1);
    } else if (arg == "--validation") {
      o.validation = size(0);
    } else if (arg == "--save") {
      o.save = fs::path(v);
    } else if (arg == "--load") {
      o.load = fs::path(v);
    } else if (arg == "--history") {
      o.history = fs::path(v);
    } else {
      throw UsageError("unknown option " + arg);
    }
  }
  return o;
}

/// Loss and accuracy of the inference graph over all of `d`, in batches of
/// 1,000.
tpex::Validation evaluate(const Session& s, const fashion::Dataset& d) {
  std::vector<std::size_t> rows(d.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  double loss = 0;
  std::size_t correct = 0;
  for (std::size_t begin = 0; begin < d.size(); begin += 1000) {
    const std::size_t end = std::min(begin + 1000, d.size());
    const auto batch = tpex::gather_batch(d.pixels, d.labels, fashion::kPixels,
                                          fashion::kClasses, rows, begin, end);
    const auto out = s.evaluate(
        {s.inputs(batch.pixels, batch.rows), Session::targets(batch)});
    loss += out[0].to_vector<float>().at(0) * static_cast<double>(batch.rows);
    correct += tpex::count_correct(out[1].to_vector<float>(), batch.labels,
                                   fashion::kClasses);
  }
  const double n = static_cast<double>(std::max<std::size_t>(d.size(), 1));
  return {loss / n, static_cast<double>(correct) / n};
}

/// Sets the model's variables from a file written by --save (by any
/// backend): every variable must be there with its shape and dtype, and
/// nothing else.
void load_variables(const Session& s, const tensorplug::Backend& b,
                    const fs::path& path) {
  const tpex::Safetensors st = tpex::load_safetensors(path);
  const auto model = st.metadata.find("model");
  if (model != st.metadata.end() && model->second != s.model.name()) {
    throw tpex::SafetensorsError(path.string() + ": holds a `" + model->second +
                                 "` model, not `" + s.model.name() +
                                 "` (pass --model " + model->second + ")");
  }
  const auto& p = s.model.parameters();
  for (std::size_t i = 0; i < p.names.size(); ++i) {
    const Array* a = st.find(p.names[i]);
    const auto want = tensorplug::int_shape(p.variables[i]);
    if (a == nullptr) {
      throw tpex::SafetensorsError(path.string() + ": no tensor `" +
                                   p.names[i] + "`");
    }
    std::vector<std::int64_t> want_shape(want.begin(), want.end());
    if (a->shape() != want_shape || a->dtype().code != kDLFloat ||
        a->dtype().bits != 32) {
      throw tpex::SafetensorsError(
          path.string() + ": tensor `" + p.names[i] +
          "` does not have the model's shape and dtype (float32)");
    }
  }
  if (st.tensors.size() != p.names.size()) {
    for (const auto& [name, a] : st.tensors) {
      bool known = false;
      for (const auto& n : p.names) known = known || n == name;
      if (!known) {
        throw tpex::SafetensorsError(path.string() + ": tensor `" + name +
                                     "` is not a variable of the " +
                                     s.model.name() + " model");
      }
    }
  }
  for (std::size_t i = 0; i < p.names.size(); ++i) {
    b.set_value(p.variables[i], *st.find(p.names[i]));
  }
}

struct Result {
  tpex::Validation train, val, test;
  bool validated = false;
  int epochs = 0;
  double train_seconds = 0, seconds = 0;
  std::size_t train_size = 0, val_size = 0, test_size = 0, steps = 0;
};

/// The oracle backend is correct, not fast: say so before training, and
/// after the first steps how long an epoch will take.
struct OracleNotice {
  bool active = false;
  std::FILE* out = nullptr;
  bool tty = false;

  void before(const std::string& backend) const {
    if (!active) return;
    std::fprintf(out,
                 "Note: `%s` is the oracle backend: simple, obviously right "
                 "and slow (scalar loops, one thread), there to check other "
                 "backends against. For real training use `--backend native` "
                 "(fast CPU kernels) or write it in keras.json.\n",
                 backend.c_str());
    std::fflush(out);
  }
  void after_steps(std::size_t steps, std::size_t per_epoch,
                   double seconds) const {
    if (!active) return;
    const double epoch =
        seconds / static_cast<double>(steps) * static_cast<double>(per_epoch);
    std::fprintf(out,
                 "%sMeasured on the first %zu steps: %s, so about %s per "
                 "epoch on this backend.\n",
                 tty ? "\r" : "", steps,
                 tpex::per_step(seconds / static_cast<double>(steps)).c_str(),
                 tpex::eta(epoch).c_str());
    std::fflush(out);
  }
};

Result run(const Options& o, const tensorplug::Backend& backend,
           tpex::Progress& progress, const OracleNotice& oracle) {
  const auto start = std::chrono::steady_clock::now();
  Result r;
  r.epochs = o.epochs.value_or(o.model == "cnn" ? 5 : 10);
  fashion::Dataset train =
      r.epochs > 0 || o.validation > 0
          ? fashion::load_idx(o.data, "train", o.train_size)
          : fashion::Dataset{};
  const fashion::Dataset test = fashion::load_idx(o.data, "t10k", o.test_size);
  fashion::Dataset val;
  if (o.validation > 0 && train.size() > 0) {
    if (o.validation >= train.size()) {
      throw UsageError("--validation " + std::to_string(o.validation) +
                       " leaves no training images (there are " +
                       std::to_string(train.size()) + ")");
    }
    const std::size_t keep = train.size() - o.validation;
    val = fashion::slice(train, keep, train.size());
    train = fashion::slice(train, 0, keep);
  }
  r.train_size = train.size();
  r.val_size = val.size();
  r.test_size = test.size();

  std::mt19937 rng(o.seed);
  const Session s(o.model, o.lr, backend, rng);
  if (o.load) load_variables(s, backend, *o.load);

  std::ofstream history;
  if (o.history) {
    history.open(*o.history, std::ios::trunc);
    if (!history) {
      throw std::runtime_error("cannot write the history file " +
                               o.history->string());
    }
    history << "epoch,loss,accuracy,val_loss,val_accuracy,seconds\n";
  }

  const std::size_t batches = (train.size() + o.batch_size - 1) / o.batch_size;
  r.steps = batches;
  if (r.epochs > 0) oracle.before(backend.name());
  const auto train_start = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= r.epochs; ++epoch) {
    progress.begin_epoch(epoch, r.epochs);
    const auto epoch_start = std::chrono::steady_clock::now();
    const auto order = tpex::shuffled_indices(train.size(), rng);
    double loss_sum = 0;
    std::size_t correct = 0, seen = 0;
    for (std::size_t k = 0; k < batches; ++k) {
      const std::size_t begin = k * o.batch_size;
      const std::size_t end = std::min(begin + o.batch_size, train.size());
      const auto batch =
          tpex::gather_batch(train.pixels, train.labels, fashion::kPixels,
                             fashion::kClasses, order, begin, end);
      const auto out = s.train_step(
          {s.inputs(batch.pixels, batch.rows), Session::targets(batch)});
      loss_sum +=
          out[0].to_vector<float>().at(0) * static_cast<double>(batch.rows);
      correct += tpex::count_correct(out[1].to_vector<float>(), batch.labels,
                                     fashion::kClasses);
      seen += batch.rows;
      constexpr std::size_t kMeasured = 5;
      if (epoch == 1 && k + 1 == kMeasured && batches > kMeasured) {
        oracle.after_steps(kMeasured, batches,
                           std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - epoch_start)
                               .count());
      }
      progress.batch(k + 1, batches, loss_sum / static_cast<double>(seen),
                     static_cast<double>(correct) / static_cast<double>(seen));
    }
    const double secs = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - epoch_start)
                            .count();
    r.train = {loss_sum / static_cast<double>(seen),
               static_cast<double>(correct) / static_cast<double>(seen)};
    std::optional<tpex::Validation> v;
    if (val.size() > 0) v = evaluate(s, val);
    progress.end_epoch(batches, secs, r.train.loss, r.train.acc, v);
    if (history.is_open()) {
      char line[160];
      std::snprintf(line, sizeof line, "%d,%.6f,%.6f,%s,%s,%.3f\n", epoch,
                    r.train.loss, r.train.acc,
                    v ? std::to_string(v->loss).c_str() : "",
                    v ? std::to_string(v->acc).c_str() : "", secs);
      history << line << std::flush;
    }
  }
  r.train_seconds = std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - train_start)
                        .count();
  if (val.size() > 0) {
    r.val = evaluate(s, val);
    r.validated = true;
  }
  r.test = evaluate(s, test);

  if (o.save) {
    std::vector<std::pair<std::string, Array>> tensors;
    const auto& p = s.model.parameters();
    for (std::size_t i = 0; i < p.names.size(); ++i) {
      tensors.emplace_back(p.names[i], backend.get_value(p.variables[i]));
    }
    char acc[32];
    std::snprintf(acc, sizeof acc, "%.6f", r.test.acc);
    tpex::save_safetensors(*o.save, tensors,
                           {{"format", "pt"},  // what safetensors.torch expects
                            {"producer", "tensorplug-fashion"},
                            {"model", s.model.name()},
                            {"backend", backend.name()},
                            {"test_accuracy", acc}});
  }
  r.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  return tpex::guarded_main(
      "tensorplug-fashion", kUsage, argc, argv, parse, [](const Options& o) {
        const tensorplug::Backend backend = tpex::load_backend(o.backend);
        std::FILE* out = o.json ? stderr : stdout;
        const bool tty = ::isatty(::fileno(out)) == 1;
        tpex::Progress progress(out, tty);
        const OracleNotice oracle{backend.name() == "reference", out, tty};
        const std::string format(
            tensorplug::to_string(backend.settings().image_data_format.value));
        if (!o.json) {
          std::printf("Fashion-MNIST, model %s (%s), Adam, backend %s\n",
                      o.model.c_str(), format.c_str(), backend.name().c_str());
          std::fflush(stdout);
        }
        const Result r = run(o, backend, progress, oracle);
        using tpex::json_string;
        if (o.json) {
          std::printf(
              "{\"backend\": %s, \"model\": %s, \"image_data_format\": %s, "
              "\"epochs\": %d, \"batch_size\": %zu, \"seed\": %u, "
              "\"train_size\": %zu, \"validation_size\": %zu, \"test_size\": "
              "%zu, "
              "\"loss\": %.6f, \"accuracy\": %.6f, \"val_loss\": %.6f, "
              "\"val_accuracy\": %.6f, \"test_loss\": %.6f, "
              "\"test_accuracy\": %.6f, \"test_correct\": %zu, "
              "\"train_seconds\": %.3f, "
              "\"seconds\": %.3f}\n",
              json_string(backend.name()).c_str(), json_string(o.model).c_str(),
              json_string(format).c_str(), r.epochs, o.batch_size, o.seed,
              r.train_size, r.val_size, r.test_size, r.train.loss, r.train.acc,
              r.val.loss, r.val.acc, r.test.loss, r.test.acc,
              static_cast<std::size_t>(std::lround(r.test.acc * r.test_size)),
              r.train_seconds, r.seconds);
        } else {
          std::printf(
              "Test accuracy: %.4f (%zu images) - test loss: %.4f - trained %d "
              "epochs of %zu steps in %.1fs - %.1fs in all\n",
              r.test.acc, r.test_size, r.test.loss, r.epochs, r.steps,
              r.train_seconds, r.seconds);
          if (o.save)
            std::printf("Saved the variables to %s\n", o.save->c_str());
        }
        return 0;
      });
}
