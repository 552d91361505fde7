#include "lifecycle/context_settings.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "lifecycle/bitwise.hpp"
#include "lifecycle/eval.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

// ---- floatx ---------------------------------------------------------------

// The backend under test loaded with floatx `fx`, once, by the first case
// that needs it: every case of check_floatx asks, so each also runs alone.
class FloatxBackend {
 public:
  FloatxBackend(Kit& kit, const LoadedBackend& loaded, DLDataType fx)
      : kit_(kit), loaded_(loaded), fx_(fx) {}

  // Inside a case: the backend, or nullptr after ending the case (skipped,
  // or for `load_case`, failed with the load's error).
  const Backend* get(bool load_case) {
    if (loaded_() == nullptr) return nullptr;
    const std::string fx_name = dtype_name(fx_);
    if (!kit_.supports(fx_)) {
      kit_.skip_running_case(
          fmt::format("{} is not among the dtypes under test ({})", fx_name,
                      kit_.dtypes_source()));
      return nullptr;
    }
    if (!tried_) {
      tried_ = true;
      try {
        KitSettings settings;
        settings.floatx = fx_name;
        backend_ = kit_.load_backend(settings);
      } catch (...) {
        error_ = std::current_exception();
      }
    }
    if (backend_) return &*backend_;
    if (load_case) std::rethrow_exception(error_);  // fails the case with it
    kit_.skip_running_case(fmt::format(
        "the backend did not load with floatx {} (see the `context` case "
        "\"loads with floatx {}\")",
        fx_name, fx_name));
    return nullptr;
  }

 private:
  Kit& kit_;
  const LoadedBackend& loaded_;
  DLDataType fx_;
  bool tried_ = false;
  std::optional<Backend> backend_;
  std::exception_ptr error_;
};

// Ends the running case as skipped when `op` is not exported (the ops group
// reports it as not provided). Returns whether it is.
bool exported(Kit& kit, const Backend& backend, std::string_view op) {
  if (backend.provides(op)) return true;
  kit.skip_running_case(fmt::format(
      "`{}` is not exported (the ops group reports it as not provided)", op));
  return false;
}

// Under floatx `fx`, a placeholder without dtype, and zeros / ones /
// random_uniform without dtype, are `fx` (docs/ops.md "floatx").
void check_floatx(Kit& kit, const LoadedBackend& loaded, DLDataType fx) {
  const std::string fx_name = dtype_name(fx);
  const std::string ph_case =
      fmt::format("without dtype under floatx {} is {}", fx_name, fx_name);
  FloatxBackend fx_backend(kit, loaded, fx);
  kit.run_case("context", fmt::format("loads with floatx {}", fx_name),
               [&] { fx_backend.get(true); });
  kit.run_case("placeholder", ph_case, [&] {
    const Backend* b = fx_backend.get(false);
    if (b == nullptr) return;
    const Tensor p = b->placeholder({-1, 3});
    if (b->provides("tensor_info")) {
      const DLDataType got = dtype_of(p);
      if (!same_dtype(got, fx)) {
        kit.record_failure(fmt::format(
            "tensor_info reports dtype {} for a placeholder without dtype; "
            "floatx is {}",
            dtype_name(got), fx_name));
      }
    }
    // Fed an fx array, a function returning it must give it back unchanged.
    auto rng = kit.rng("floatx placeholder " + fx_name);
    const Array in = random_array({2, 3}, fx, rng);
    const Function f = b->function({p}, {p});
    const std::string diff = bitwise_difference(in, f({in}).at(0));
    if (!diff.empty()) kit.record_failure("output 0: " + diff);
  });
  for (const char* op : {"zeros", "ones", "random_uniform"}) {
    kit.run_case(op, ph_case, [&] {
      const Backend* b = fx_backend.get(false);
      if (b == nullptr || !exported(kit, *b, op)) return;
      const Tensor t = b->op(op, {}, {{"shape", Ints{2, 3}}});
      if (b->provides("tensor_info") && !same_dtype(dtype_of(t), fx)) {
        kit.record_failure(fmt::format(
            "tensor_info reports dtype {} for {} without dtype; floatx is {}",
            dtype_name(dtype_of(t)), op, fx_name));
      }
      const Array out = b->function({}, {t})({}).at(0);
      REQUIRE(same_dtype(out.dtype(), fx));
      const std::string what = fmt::format("{} (2, 3)", op);
      if (std::string_view(op) == "random_uniform") {
        for (const double v : to_doubles(out)) {
          if (!(v >= 0.0 && v < 1.0)) {
            kit.record_failure(
                fmt::format("{}: value {} is outside [0, 1)", what, v));
            break;
          }
        }
      } else {
        const double fill = std::string_view(op) == "ones" ? 1.0 : 0.0;
        check_close(make_array({2, 3}, fx, std::vector<double>(6, fill)), out,
                    {}, what);
      }
    });
  }
}

// ---- epsilon --------------------------------------------------------------

// Inputs of a crossentropy whose clipping to [epsilon, 1 - epsilon] differs
// under epsilon 1e-3 and 1e-7 (probabilities at and near 0 and 1).
struct EpsilonInputs {
  std::vector<std::int64_t> shape;
  std::vector<double> target;
  std::vector<double> output;
};

// In float32, 1 - 1e-7 rounds to 1 - 1.19e-7: a backend that clips in
// double and the reference, which clips in float32, then take logs of
// 1 - c that differ by 19 %. So in float32 no input lies where the result
// depends on that rounding: binary_crossentropy gets no probability 1 with
// target 0 (its -log(1 - c) is the ambiguous one); elsewhere a clip to
// 1 - epsilon only changes the loss by about epsilon, within tolerance.
EpsilonInputs epsilon_inputs(std::string_view op, DLDataType dt) {
  const bool f64 = same_dtype(dt, dtype::float64);
  if (op == "binary_crossentropy") {  // elementwise (8,)
    return {
        {8},
        {0, 1, 1, 0, 1, 0, 1, 0},
        {0.0, 0.0, 1e-5, 5e-4, 0.3, 0.9995, 1 - 1e-5, f64 ? 1.0 : 1 - 1e-5}};
  }
  // categorical: rows of 3 classes, axis -1.
  return {
      {4, 3},
      {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0},
      {0.0, 0.5, 0.5, 1e-5, 1.0, 0.0, 5e-4, 0.9995, 0.0, 0.9995, 5e-4, 0.0}};
}

// The crossentropies clip their probabilities to [epsilon, 1 - epsilon];
// inputs at and near 0 and 1 make the clipping visible, so a backend that
// ignores the context's epsilon gives other numbers than the reference
// under the same epsilon.
void check_epsilon(Kit& kit, const LoadedBackend& loaded, const char* op) {
  const std::vector<double> epsilons = {1e-3, 1e-7};
  for (const DLDataType dt : {dtype::float64, dtype::float32}) {
    const EpsilonInputs in = epsilon_inputs(op, dt);
    for (std::size_t k = 0; k < epsilons.size(); ++k) {
      const double eps = epsilons[k];
      const double other = epsilons[1 - k];
      const std::string name = fmt::format(
          "epsilon {:g}: probabilities near 0 and 1 clipped as the reference "
          "clips them ({})",
          eps, dtype_name(dt));
      kit.run_case(op, name, [&] {
        const Backend* backend = loaded();
        if (backend == nullptr || !exported(kit, *backend, op)) return;
        if (!kit.supports(dt)) {
          kit.skip_running_case(
              fmt::format("{} is not among the dtypes under test ({})",
                          dtype_name(dt), kit.dtypes_source()));
          return;
        }
        const Array t = make_array(in.shape, dt, in.target);
        const Array o = make_array(in.shape, dt, in.output);
        const Tolerance tol = scaled(tolerance_for(dt), 10);
        KitSettings settings;
        settings.epsilon = eps;
        const Array expected = run_op(kit.load_reference(settings), op, {t, o});
        // The check means something only if the other epsilon gives other
        // numbers on these inputs.
        KitSettings other_settings;
        other_settings.epsilon = other;
        const Array under_other =
            run_op(kit.load_reference(other_settings), op, {t, o});
        if (compare(expected, under_other, tol).empty()) {
          kit.record_failure(fmt::format(
              "kit defect: on output {} the reference gives the same result "
              "under epsilon {:g} and {:g}, so this case cannot tell whether "
              "the backend honours epsilon",
              describe(o, 12), eps, other));
          return;
        }
        const Array actual = run_op(kit.load_backend(settings), op, {t, o});
        if (!check_close(expected, actual, tol,
                         fmt::format("{}(target, output) with epsilon {:g}, "
                                     "output {}",
                                     op, eps, describe(o, 12)))) {
          if (compare(under_other, actual, tol).empty()) {
            kit.record_failure(fmt::format(
                "the result is the one under epsilon {:g}: the context's "
                "epsilon ({:g}) was ignored",
                other, eps));
          }
        }
      });
    }
  }
}

// ---- image_data_format ----------------------------------------------------

// Without a data_format attribute, conv2d and pool2d read the context's
// image_data_format. The shapes are valid under both layouts but give other
// results (and shapes), so ignoring the setting cannot go unnoticed.
void check_image_data_format(Kit& kit, const LoadedBackend& loaded,
                             const char* op) {
  const bool conv = std::string_view(op) == "conv2d";
  const std::vector<std::int64_t> x_shape =
      conv ? std::vector<std::int64_t>{1, 2, 4, 2}
           : std::vector<std::int64_t>{1, 3, 4, 2};
  // The dtype is chosen in the case (it needs the dtypes under test), so the
  // name does not carry it; the failure messages do.
  const std::string name = fmt::format(
      "image_data_format channels_first without data_format: x {} read as "
      "NCHW{}",
      format_shape(x_shape), conv ? ", kernel (2, 2, 2, 3)" : ", pool (2, 2)");
  kit.run_case(op, name, [&] {
    const Backend* backend = loaded();
    if (backend == nullptr || !exported(kit, *backend, op)) return;
    const auto dt = primary_float(kit);
    if (!dt) {
      kit.skip_running_case("no float dtype is under test");
      return;
    }
    auto rng = kit.rng(fmt::format("image_data_format {}", op));
    std::vector<Array> inputs = {random_array(x_shape, *dt, rng)};
    Attrs attrs;
    if (conv) {
      inputs.push_back(random_array({2, 2, 2, 3}, *dt, rng));
    } else {
      attrs.emplace_back("pool_size", Ints{2, 2});
    }
    KitSettings first;
    first.image_data_format = "channels_first";
    const Backend b = kit.load_backend(first);
    const Backend r = kit.load_reference(first);
    const Array expected = run_op(r, op, inputs, attrs);
    const Array actual = run_op(b, op, inputs, attrs);
    const Tolerance tol = scaled(tolerance_for(*dt), 10);
    if (!check_close(
            expected, actual, tol,
            fmt::format("result under channels_first ({})", dtype_name(*dt)))) {
      // Say why, when the backend read x as channels_last.
      try {
        const Array last = run_op(kit.reference(), op, inputs, attrs);
        if (compare(last, actual, tol).empty()) {
          kit.record_failure(
              "the result is the channels_last one: the context's "
              "image_data_format (channels_first) was ignored");
        }
      } catch (const std::exception&) {
        // channels_last may not even be valid for these shapes.
      }
    }
  });
}

}  // namespace

void check_context_settings(Kit& kit, const LoadedBackend& loaded) {
  check_floatx(kit, loaded, dtype::float64);
  check_floatx(kit, loaded, dtype::float16);
  check_epsilon(kit, loaded, "binary_crossentropy");
  check_epsilon(kit, loaded, "categorical_crossentropy");
  check_image_data_format(kit, loaded, "conv2d");
  check_image_data_format(kit, loaded, "pool2d");
}

}  // namespace tensorplug::conformance
