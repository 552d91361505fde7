// The "loading" group of the conformance kit (docs/conformance.md): the
// backend under test is resolved, validated without loading, loaded,
// version-checked and initialised, and its context honours the Keras
// settings (floatx, epsilon, image_data_format).
//
// Unlike every other group, this one must not assume that the backend loads:
// finding out is its job. Each stage is one case that fails with the host's
// own message when that stage refused the backend; the stages after it, and
// every case that needs a loaded backend, are skipped with a reason.
//
// The cases are the same on every run, and none relies on an earlier one
// having run (the runner restarts a group after a crash with --start-at,
// --skip-entry, and runs single entries with --entry): each case asks a
// LoadProbe for the stage it needs, which resolves, inspects and loads the
// backend the first time any case needs it. So a crash inside dlopen or
// context_init happens inside a case, which the runner then names.
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

// The host's error of a load through Kit::backend, attributed to its stage:
// the host raises one error type per family, and a LoadError says which
// stage raised it.
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

// The stages run so far, each once, by whichever case first needs them.
class LoadProbe {
 public:
  explicit LoadProbe(Kit& kit) : kit_(kit) {}

  // Runs the stages up to `stage` that have not run (none after a failed
  // one) and returns the outcome so far: failed_at is kDone while nothing
  // failed, and backend is set once the load succeeded.
  const LoadOutcome& through(Stage stage) {
    if (stage >= Stage::kResolve) resolve();
    if (stage >= Stage::kValidate) validate();
    if (stage >= Stage::kLoad) load();
    return out_;
  }

  // Inside a case that needs the loaded backend: it, or nullptr after
  // ending the case as skipped.
  const Backend* loaded() {
    const LoadOutcome& o = through(Stage::kDone);
    if (o.backend == nullptr) {
      kit_.skip_running_case(not_reached());
      return nullptr;
    }
    return o.backend;
  }

  // Why a case after the failed stage did not run.
  std::string not_reached() const {
    if (crashed_) return out_.message;
    return fmt::format("not reached: {} failed", stage_text(out_.failed_at));
  }

 private:
  bool failed() const { return out_.failed_at != Stage::kDone; }

  void resolve() {
    if (resolution_ || failed()) return;
    try {
      resolution_ = kit_.resolve_target();
    } catch (const std::exception& e) {
      out_.failed_at = Stage::kResolve;
      out_.message = e.what();
    }
  }

  // TP_ABI_2, TP_ABI_4: every problem in one message, the one the host
  // refuses the library with.
  void validate() {
    if (validated_ || failed()) return;
    validated_ = true;
    const LibraryReport report = inspect_library(resolution_->library);
    if (!report.valid()) {
      out_.failed_at = Stage::kValidate;
      out_.message = report.problems();
    }
  }

  // Loading, handshake, context_init: one load through the host, unless an
  // earlier child crashed or hung in it (the runner then skips `library`).
  void load() {
    if (loaded_ || failed()) return;
    loaded_ = true;
    for (const std::string& skipped : kit_.options().skip_entries) {
      if (skipped == "library") {
        crashed_ = true;
        out_.failed_at = Stage::kLoad;
        out_.message =
            "loading crashed or hung the process in an earlier case (see the "
            "`library` case)";
        return;
      }
    }
    out_ = load_under_test(kit_);
    if (out_.failed_at < Stage::kLoad) {
      // Validation passed in the kit but the host refused it anyway: report
      // the host's message at the loading step rather than lose it.
      out_.failed_at = Stage::kLoad;
    }
  }

  Kit& kit_;
  LoadOutcome out_;
  std::optional<Resolution> resolution_;
  bool validated_ = false;
  bool loaded_ = false;
  bool crashed_ = false;
};

// One stage's case: fails with the host's message when the load stopped
// there, is skipped when an earlier stage stopped it, else runs `body` once
// the backend is loaded (a later stage failing means this one passed, as far
// as the host tells).
void stage_case(Kit& kit, LoadProbe& probe, Stage stage, std::string_view entry,
                std::string_view name,
                const std::function<void(const Backend&)>& body = {}) {
  kit.run_case(entry, name, [&] {
    const LoadOutcome& outcome = probe.through(stage);
    if (outcome.failed_at < stage) {
      kit.skip_running_case(probe.not_reached());
    } else if (outcome.failed_at == stage) {
      kit.record_failure(outcome.message);
    } else if (body) {
      const LoadOutcome& done = probe.through(Stage::kDone);
      if (done.backend != nullptr) body(*done.backend);
    }
  });
}

}  // namespace
}  // namespace tensorplug::conformance

TEST_CASE("the backend loads and its context honours the settings",
          "[loading]") {
  using namespace tensorplug;
  using namespace tensorplug::conformance;
  Kit& kit = Kit::instance();
  LoadProbe probe(kit);

  // 1. Resolution: the name or path names one library file.
  stage_case(kit, probe, Stage::kResolve, "library",
             "resolves to one library file");
  // 2. Validation without loading.
  stage_case(kit, probe, Stage::kValidate, "library",
             "exports the required entries and tp_negotiate_version");
  // 3.-5. Loading, handshake, context_init: one load through the host.
  stage_case(kit, probe, Stage::kLoad, "library",
             "loads with the system loader (RTLD_NOW | RTLD_LOCAL)");
  const std::string host_version = host_api_version().str();
  stage_case(kit, probe, Stage::kHandshake, "version",
             fmt::format("negotiates API version {} (TP_ABI_3)", host_version),
             [&](const Backend& b) {
               const std::string got = b.api_version().str();
               if (got != host_version) {
                 kit.record_failure(fmt::format(
                     "the negotiated API version is {}, the host speaks {}",
                     got, host_version));
               }
             });
  // plugin_description is optional (TP_ABI_3): its absence is only a skip.
  kit.run_case("version", "describes itself (plugin_description)", [&] {
    const Backend* b = probe.loaded();
    if (b != nullptr && b->description().empty()) {
      kit.skip_running_case(
          "the plugin sets no plugin_description (optional, but `tensorplug "
          "info` and reports show it)");
    }
  });
  stage_case(kit, probe, Stage::kInit, "context",
             "context_init with the default settings (float32, 1e-07, "
             "channels_last)");

  // capabilities (optional): a usable declaration of distinct dtypes.
  kit.run_case("capabilities", "declares distinct dtypes", [&] {
    const Backend* b = probe.loaded();
    if (b == nullptr) return;
    if (!b->provides("capabilities")) {
      kit.skip_running_case(
          "`capabilities` is optional and not exported: the backend is "
          "tested on every dtype of docs/ops.md");
      return;
    }
    const auto declared = b->supported_dtypes();
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

  // The context settings (TP_ABI_13): each case needs the loaded backend
  // and the dtypes under test (a failing `capabilities` entry fails the
  // case above).
  check_context_settings(kit, [&]() -> const Backend* {
    const Backend* b = probe.loaded();
    if (b == nullptr) return nullptr;
    try {
      kit.dtypes();
    } catch (const std::exception& e) {
      kit.skip_running_case(
          fmt::format("the dtypes under test are unknown (see the "
                      "`capabilities` case): {}",
                      e.what()));
      return nullptr;
    }
    return b;
  });
}
