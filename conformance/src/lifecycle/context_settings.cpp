#include "lifecycle/context_settings.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "lifecycle/bitwise.hpp"
#include "lifecycle/eval.hpp"
#include "tensorplug/ops.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

constexpr const char* kNotLoaded = "the backend did not load";

// ---- floatx ---------------------------------------------------------------

// Under floatx `fx`, a placeholder without dtype, and zeros / ones /
// random_uniform without dtype, are `fx` (docs/ops.md "floatx").
void check_floatx(Kit& kit, const Backend* backend, DLDataType fx) {
  const std::string fx_name = dtype_name(fx);
  const std::string load_case = fmt::format("loads with floatx {}", fx_name);
  const std::string ph_case =
      fmt::format("without dtype under floatx {} is {}", fx_name, fx_name);
  if (backend == nullptr) {
    kit.skip_case("context", load_case, kNotLoaded);
    return;
  }
  if (!kit.supports(fx)) {
    kit.skip_case("context", load_case,
                  fmt::format("{} is not among the dtypes under test ({})",
                              fx_name, kit.dtypes_source()));
    return;
  }
  std::optional<Backend> b;
  kit.run_case("context", load_case, [&] {
    KitSettings settings;
    settings.floatx = fx_name;
    b = kit.load_backend(settings);
  });
  const std::vector<const char*> makers = {"zeros", "ones", "random_uniform"};
  if (!b) {
    const std::string reason =
        fmt::format("the backend did not load with floatx {}", fx_name);
    kit.skip_case("placeholder", ph_case, reason);
    for (const char* op : makers) {
      if (backend->provides(op)) kit.skip_case(op, ph_case, reason);
    }
    return;
  }
  kit.run_case("placeholder", ph_case, [&] {
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
  for (const char* op : makers) {
    if (!backend->provides(op)) continue;  // the ops group reports it
    kit.run_case(op, ph_case, [&] {
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

// The crossentropies clip their probabilities to [epsilon, 1 - epsilon];
// inputs at and near 0 and 1 make the clipping visible, so a backend that
// ignores the context's epsilon gives other numbers than the reference
// under the same epsilon.
void check_epsilon(Kit& kit, const Backend* backend, const char* op) {
  const std::vector<double> epsilons = {1e-3, 1e-7};
  auto name_for = [&](double eps, std::string_view dt) {
    return fmt::format(
        "epsilon {:g}: probabilities near 0 and 1 clipped as the reference "
        "clips them ({})",
        eps, dt);
  };
  if (backend == nullptr) {
    for (double eps : epsilons)
      kit.skip_case(op, name_for(eps, "-"), kNotLoaded);
    return;
  }
  if (!backend->provides(op)) return;  // the ops group reports it
  const auto dt = first_supported(kit, {dtype::float64, dtype::float32});
  if (!dt) {
    for (double eps : epsilons) {
      kit.skip_case(op, name_for(eps, "-"),
                    "neither float64 nor float32 is under test");
    }
    return;
  }
  // binary: elementwise (8,); categorical: rows of 3 classes, axis -1.
  const bool binary = std::string_view(op) == "binary_crossentropy";
  const std::vector<std::int64_t> shape =
      binary ? std::vector<std::int64_t>{8} : std::vector<std::int64_t>{4, 3};
  const std::vector<double> target =
      binary ? std::vector<double>{0, 1, 1, 0, 1, 0, 1, 0}
             : std::vector<double>{1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0};
  const std::vector<double> output =
      binary ? std::vector<double>{0.0, 0.0,    1e-5,     5e-4,
                                   0.3, 0.9995, 1 - 1e-5, 1.0}
             : std::vector<double>{0.0,  0.5,    0.5, 1e-5,   1.0,  0.0,
                                   5e-4, 0.9995, 0.0, 0.9995, 5e-4, 0.0};
  const Array t = make_array(shape, *dt, target);
  const Array o = make_array(shape, *dt, output);
  for (double eps : epsilons) {
    kit.run_case(op, name_for(eps, dtype_name(*dt)), [&] {
      KitSettings settings;
      settings.epsilon = eps;
      const Backend b = kit.load_backend(settings);
      const Backend r = kit.load_reference(settings);
      const Array expected = run_op(r, op, {t, o});
      const Array actual = run_op(b, op, {t, o});
      check_close(expected, actual, scaled(tolerance_for(*dt), 10),
                  fmt::format("{}(target, output) with epsilon {:g}, output "
                              "{}",
                              op, eps, describe(o, 12)));
    });
  }
}

// ---- image_data_format ----------------------------------------------------

// Without a data_format attribute, conv2d and pool2d read the context's
// image_data_format. The shapes are valid under both layouts but give other
// results (and shapes), so ignoring the setting cannot go unnoticed.
void check_image_data_format(Kit& kit, const Backend* backend, const char* op) {
  const bool conv = std::string_view(op) == "conv2d";
  const std::vector<std::int64_t> x_shape =
      conv ? std::vector<std::int64_t>{1, 2, 4, 2}
           : std::vector<std::int64_t>{1, 3, 4, 2};
  const std::string name = fmt::format(
      "image_data_format channels_first without data_format: x {} read as "
      "NCHW{}",
      format_shape(x_shape), conv ? ", kernel (2, 2, 2, 3)" : ", pool (2, 2)");
  if (backend == nullptr) {
    kit.skip_case(op, name, kNotLoaded);
    return;
  }
  if (!backend->provides(op)) return;  // the ops group reports it
  const auto dt = primary_float(kit);
  if (!dt) {
    kit.skip_case(op, name, "no float dtype is under test");
    return;
  }
  kit.run_case(op, name + " " + dtype_name(*dt), [&] {
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
    if (!check_close(expected, actual, tol, "result under channels_first")) {
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

void check_context_settings(Kit& kit, const Backend* backend) {
  check_floatx(kit, backend, dtype::float64);
  check_floatx(kit, backend, dtype::float16);
  check_epsilon(kit, backend, "binary_crossentropy");
  check_epsilon(kit, backend, "categorical_crossentropy");
  check_image_data_format(kit, backend, "conv2d");
  check_image_data_format(kit, backend, "pool2d");
}

}  // namespace tensorplug::conformance
