#include "kit.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <chrono>
#include <exception>
#include <typeinfo>

#include "tensorplug/errors.hpp"
#include "tensorplug/resolve.hpp"
#include "values.hpp"

namespace tensorplug::conformance {
namespace {

Settings to_settings(const KitSettings& s, const std::string& name) {
  Settings settings = Settings::defaults(name);
  settings.set_floatx(s.floatx);
  settings.set_epsilon(s.epsilon);
  settings.set_image_data_format(s.image_data_format);
  return settings;
}

LoadOptions quiet() {
  LoadOptions options;
  options.announce = false;
  return options;
}

Resolution resolve_reference() {
  ResolveOptions resolve;
  resolve.use_environment = false;
  return resolve_backend("reference", resolve);
}

/// FNV-1a: a seed derivation that does not depend on the standard library.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string exception_text(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const PluginError& e) {
    return fmt::format("the backend returned an error (status {}): {}",
                       e.status(), e.what());
  } catch (const Error& e) {
    return fmt::format("the host refused: {}", e.what());
  } catch (const std::exception& e) {
    return fmt::format("threw {}: {}", typeid(e).name(), e.what());
  } catch (...) {
    return "threw an exception of unknown type";
  }
}

}  // namespace

Kit& Kit::instance() {
  static Kit kit;
  return kit;
}

void Kit::configure(KitOptions options) {
  options_ = std::move(options);
  backend_.reset();
  reference_.reset();
  dtypes_.reset();
  next_index_ = 0;
  not_provided_reports_ = 0;
}

Resolution resolve_target(const std::string& target) {
  ResolveOptions resolve;
  resolve.name_source = "the command line";
  return looks_like_library_path(target) ? resolve_library_file(target, resolve)
                                         : resolve_backend(target, resolve);
}

Resolution Kit::resolve_target() const {
  return conformance::resolve_target(options_.target);
}

const Backend& Kit::backend() {
  if (!backend_) {
    backend_ = load_target(KitSettings{}, /*trial_in_child=*/true);
    // Once per child: what the report's header shows.
    boost::json::array dtypes;
    for (const DLDataType dt : this->dtypes()) {
      dtypes.emplace_back(dtype_name(dt));
    }
    emit(boost::json::serialize(
        boost::json::object{{"event", "backend"},
                            {"backend", backend_->name()},
                            {"library", backend_->library_path().string()},
                            {"description", backend_->description()},
                            {"api_version", backend_->api_version().str()},
                            {"dtypes", std::move(dtypes)},
                            {"dtypes_source", dtypes_source()}}));
  }
  return *backend_;
}

Backend Kit::load_backend(const KitSettings& settings) const {
  return load_target(settings, /*trial_in_child=*/false);
}

Backend Kit::load_target(const KitSettings& settings,
                         bool trial_in_child) const {
  const Resolution resolution = resolve_target();
  LoadOptions options = quiet();
  options.trial_load_in_child = trial_in_child;
  return load_backend_at(resolution, to_settings(settings, resolution.name),
                         options);
}

const Backend& Kit::reference() {
  if (!reference_) reference_ = load_reference(KitSettings{});
  return *reference_;
}

Backend Kit::load_reference(const KitSettings& settings) const {
  return load_backend_at(resolve_reference(),
                         to_settings(settings, "reference"), quiet());
}

const std::vector<DLDataType>& Kit::dtypes() {
  if (dtypes_) return *dtypes_;
  if (options_.dtypes) {
    dtypes_ = *options_.dtypes;
    dtypes_source_ = "--dtypes";
  } else if (auto declared = backend().supported_dtypes()) {
    std::vector<DLDataType> known;
    for (const DLDataType dt : all_dtypes()) {  // report order, known only
      for (const DLDataType d : *declared) {
        if (same_dtype(d, dt)) known.push_back(dt);
      }
    }
    dtypes_ = known;
    dtypes_source_ = "capabilities";
  } else {
    dtypes_ = all_dtypes();
    dtypes_source_ = "default (no `capabilities` entry)";
  }
  return *dtypes_;
}

bool Kit::supports(DLDataType dtype) {
  for (const DLDataType dt : dtypes()) {
    if (same_dtype(dt, dtype)) return true;
  }
  return false;
}

const std::string& Kit::dtypes_source() {
  dtypes();
  return dtypes_source_;
}

bool Kit::selected(std::string_view entry) const {
  if (options_.only_entries.empty()) return true;
  for (const std::string& e : options_.only_entries) {
    if (e == entry) return true;
  }
  return false;
}

std::mt19937_64 Kit::rng(std::string_view case_key) const {
  return std::mt19937_64(options_.seed ^ fnv1a(case_key));
}

bool Kit::run_case(std::string_view entry, std::string_view name,
                   const std::function<void()>& body) {
  if (!selected(entry)) {
    ++next_index_;  // indexes stay those of an unfiltered run
    return true;
  }
  for (const std::string& skipped : options_.skip_entries) {
    if (skipped == entry) {
      skip_case(entry, name,
                fmt::format("not run: `{}` crashed or hung the backend in "
                            "an earlier case of this group",
                            entry));
      return false;
    }
  }
  const std::size_t index = next_index_++;
  if (index < start_at_) return true;
  emit(boost::json::serialize(boost::json::object{{"event", "case_start"},
                                                  {"index", index},
                                                  {"entry", entry},
                                                  {"case", name}}));
  in_case_ = true;
  failures_.clear();
  skip_reason_.clear();
  const auto start = std::chrono::steady_clock::now();
  try {
    body();
  } catch (const Catch::TestFailureException&) {
    // A REQUIRE failed: the listener already recorded it.
  } catch (...) {
    failures_.push_back(exception_text(std::current_exception()));
  }
  in_case_ = false;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  boost::json::array failures;
  for (const auto& f : failures_) failures.emplace_back(f);
  const bool passed = failures_.empty();
  const bool skipped = passed && !skip_reason_.empty();
  boost::json::object end{{"event", "case_end"},
                          {"index", index},
                          {"entry", entry},
                          {"case", name},
                          {"status", skipped  ? "skipped"
                                     : passed ? "passed"
                                              : "failed"},
                          {"failures", std::move(failures)},
                          {"seconds", seconds}};
  if (skipped) end["reason"] = skip_reason_;
  emit(boost::json::serialize(end));
  failures_.clear();
  return passed;
}

void Kit::skip_case(std::string_view entry, std::string_view name,
                    std::string_view reason) {
  const std::size_t index = next_index_++;
  if (!selected(entry)) return;
  if (index < start_at_) return;
  emit(boost::json::serialize(boost::json::object{{"event", "case_end"},
                                                  {"index", index},
                                                  {"entry", entry},
                                                  {"case", name},
                                                  {"status", "skipped"},
                                                  {"reason", reason},
                                                  {"seconds", 0.0}}));
}

void Kit::skip_running_case(std::string reason) {
  if (in_case_) skip_reason_ = std::move(reason);
}

void Kit::not_provided(std::string_view entry, std::string_view detail) {
  if (!selected(entry)) return;
  ++not_provided_reports_;
  emit(boost::json::serialize(boost::json::object{
      {"event", "not_provided"},
      {"entry", entry},
      {"detail", detail.empty() ? std::string_view("not exported") : detail}}));
}

void Kit::record_failure(std::string message) {
  if (in_case_) {
    failures_.push_back(std::move(message));
  } else {
    emit(boost::json::serialize(
        boost::json::object{{"event", "group_failure"}, {"message", message}}));
  }
}

void Kit::emit(const std::string& json_line) {
  if (sink_) sink_(json_line);
}

}  // namespace tensorplug::conformance
