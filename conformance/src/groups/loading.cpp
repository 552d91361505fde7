// The "loading" group of the conformance kit (docs/conformance.md): the
// backend under test is resolved, validated without loading, loaded,
// version-checked and initialised, and its context honours the Keras
// settings (floatx, epsilon, image_data_format).
//
// Unlike every other group, this one must not assume that the backend loads:
// finding out is its job. Each stage is one case that fails with the host's
// own message when that stage refused the backend; the stages after it, and
// every case that needs a loaded backend, are skipped with a reason.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "kit.hpp"
#include "lifecycle/context_settings.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/inspect.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

// The steps of docs/plugin-abi.md "How the host uses a plugin", in order.
enum class Stage { kResolve, kValidate, kLoad, kHandshake, kInit, kDone };

const char* stage_text(Stage stage) {
  switch (stage) {
    case Stage::kResolve:
      return "resolution";
    case Stage::kValidate:
      return "validation";
    case Stage::kLoad:
      return "loading";
    case Stage::kHandshake:
      return "the version handshake";
    case Stage::kInit:
      return "context_init";
    case Stage::kDone:
      break;
  }
  return "nothing";
}

// Where a load of the backend under test stopped, and the host's message.
struct LoadOutcome {
  Stage failed_at = Stage::kDone;
  std::string message;
  const Backend* backend = nullptr;
};

// Loads the backend under test once (Kit::backend) and attributes a failure
// to its stage: the host raises one error type per family, and a LoadError
// says which stage raised it.
LoadOutcome load_under_test(Kit& kit) {
  LoadOutcome out;
  try {
    out.backend = &kit.backend();
    return out;
  } catch (const BackendNotFoundError& e) {
    out.failed_at = Stage::kResolve;
    out.message = e.what();
  } catch (const InvalidBackendError& e) {
    out.failed_at = Stage::kValidate;
    out.message = e.what();
  } catch (const IncompatibleVersionError& e) {
    out.failed_at = Stage::kHandshake;
    out.message = e.what();
  } catch (const LoadError& e) {
    out.message = e.what();
    switch (e.stage()) {
      case LoadError::Stage::kInit:
        out.failed_at = Stage::kInit;
        break;
      case LoadError::Stage::kHandshake:
        out.failed_at = Stage::kHandshake;
        break;
      case LoadError::Stage::kSystemLoader:
        out.failed_at = Stage::kLoad;
        break;
    }
  } catch (const std::exception& e) {
    out.failed_at = Stage::kLoad;
    out.message = e.what();
  }
  return out;
}

// One stage's case: fails with the host's message when the load stopped
// there, is skipped when an earlier stage stopped it, else runs `body`.
void stage_case(Kit& kit, const LoadOutcome& outcome, Stage stage,
                std::string_view entry, std::string_view name,
                const std::function<void()>& body = {}) {
  if (outcome.failed_at < stage) {
    kit.skip_case(
        entry, name,
        fmt::format("not reached: {} failed", stage_text(outcome.failed_at)));
    return;
  }
  kit.run_case(entry, name, [&] {
    if (outcome.failed_at == stage) {
      kit.record_failure(outcome.message);
      return;
    }
    // A later stage failed: this one passed, as far as the host tells.
    if (body && outcome.backend != nullptr) body();
  });
}

}  // namespace
}  // namespace tensorplug::conformance

TEST_CASE("the backend loads and its context honours the settings",
          "[loading]") {
  using namespace tensorplug;
  using namespace tensorplug::conformance;
  Kit& kit = Kit::instance();

  // 1. Resolution: the name or path names one library file.
  std::optional<Resolution> resolution;
  kit.run_case("library", "resolves to one library file", [&] {
    try {
      resolution = kit.resolve_target();
    } catch (const std::exception& e) {
      kit.record_failure(e.what());
    }
  });

  // 2. Validation without loading (TP_ABI_2, TP_ABI_4): every problem in one
  // message, the one the host refuses the library with.
  bool valid = false;
  if (!resolution) {
    kit.skip_case("library",
                  "exports the required entries and tp_negotiate_version",
                  "not reached: resolution failed");
  } else {
    kit.run_case("library",
                 "exports the required entries and tp_negotiate_version", [&] {
                   const LibraryReport report =
                       inspect_library(resolution->library);
                   if (!report.valid()) {
                     kit.record_failure(report.problems());
                     return;
                   }
                   valid = true;
                 });
  }

  // 3.-5. Loading, handshake, context_init: one load through the host.
  LoadOutcome outcome;
  if (!resolution) {
    outcome.failed_at = Stage::kResolve;
  } else if (!valid) {
    outcome.failed_at = Stage::kValidate;
  } else {
    outcome = load_under_test(kit);
    if (outcome.failed_at < Stage::kLoad) {
      // Validation passed in the kit but the host refused it anyway: report
      // the host's message at the loading step rather than lose it.
      outcome.failed_at = Stage::kLoad;
    }
  }
  stage_case(kit, outcome, Stage::kLoad, "library",
             "loads with the system loader (RTLD_NOW | RTLD_LOCAL)");
  const std::string host_version = host_api_version().str();
  stage_case(kit, outcome, Stage::kHandshake, "version",
             fmt::format("negotiates API version {} (TP_ABI_3)", host_version),
             [&] {
               const std::string got = outcome.backend->api_version().str();
               if (got != host_version) {
                 kit.record_failure(fmt::format(
                     "the negotiated API version is {}, the host speaks {}",
                     got, host_version));
               }
             });
  // plugin_description is optional (TP_ABI_3): its absence is only a skip.
  if (outcome.backend == nullptr) {
    kit.skip_case("version", "describes itself (plugin_description)",
                  "the backend did not load");
  } else if (outcome.backend->description().empty()) {
    kit.skip_case("version", "describes itself (plugin_description)",
                  "the plugin sets no plugin_description (optional, but "
                  "`tensorplug info` and reports show it)");
  } else {
    kit.run_case("version", "describes itself (plugin_description)", [] {});
  }
  stage_case(kit, outcome, Stage::kInit, "context",
             "context_init with the default settings (float32, 1e-07, "
             "channels_last)");

  // capabilities (optional): a usable declaration of distinct dtypes.
  if (outcome.backend != nullptr && outcome.backend->provides("capabilities")) {
    kit.run_case("capabilities", "declares distinct dtypes", [&] {
      const auto declared = outcome.backend->supported_dtypes();
      REQUIRE(declared.has_value());
      if (declared->empty()) {
        kit.record_failure("capabilities declares no dtype (num_dtypes 0)");
      }
      for (std::size_t i = 0; i < declared->size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
          if (same_dtype((*declared)[i], (*declared)[j])) {
            kit.record_failure(fmt::format("capabilities declares {} twice",
                                           dtype_name((*declared)[i])));
          }
        }
      }
    });
  }

  // The context settings (TP_ABI_13): need a loaded backend, and the dtypes
  // under test (a failing `capabilities` entry was reported above).
  const Backend* loaded = outcome.backend;
  if (loaded != nullptr) {
    try {
      kit.dtypes();
    } catch (const std::exception& e) {
      kit.record_failure(fmt::format(
          "the dtypes under test are unknown, so the context settings are not "
          "checked: {}",
          e.what()));
      loaded = nullptr;
    }
  }
  check_context_settings(kit, loaded);
}
