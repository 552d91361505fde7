// Error-contract checks (see expect_error.hpp).
#include "errors/expect_error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "kit.hpp"
#include "tensorplug/errors.hpp"

namespace tensorplug::conformance {

std::string status_name(int status) {
  switch (status) {
    case TP_OK:
      return "TP_OK";
    case TP_ERROR_INVALID_ARGUMENT:
      return "TP_ERROR_INVALID_ARGUMENT";
    case TP_ERROR_SHAPE:
      return "TP_ERROR_SHAPE";
    case TP_ERROR_DTYPE:
      return "TP_ERROR_DTYPE";
    case TP_ERROR_NOT_IMPLEMENTED:
      return "TP_ERROR_NOT_IMPLEMENTED";
    case TP_ERROR_OUT_OF_MEMORY:
      return "TP_ERROR_OUT_OF_MEMORY";
    case TP_ERROR_VERSION:
      return "TP_ERROR_VERSION";
    case TP_ERROR_INTERNAL:
      return "TP_ERROR_INTERNAL";
  }
  return fmt::format("status {}", status);
}

RawError::RawError() { error_.struct_size = sizeof(tp_error); }
RawError::~RawError() { release(); }

void RawError::release() {
  if (error_.release) error_.release(&error_);
  error_ = tp_error{};
  error_.struct_size = sizeof(tp_error);
}

std::string RawError::take() {
  std::string text = error_.message ? error_.message : "";
  release();
  return text;
}

namespace {

std::string allowed_names(const std::vector<tp_status>& allowed) {
  std::vector<std::string> names;
  for (tp_status s : allowed) names.push_back(status_name(s));
  return fmt::format("{}", fmt::join(names, " or "));
}

bool contains(const std::vector<tp_status>& allowed, int status) {
  return std::find(allowed.begin(), allowed.end(), status) != allowed.end();
}

}  // namespace

bool expect_error_status(tp_status status, RawError& error,
                         const std::vector<tp_status>& allowed,
                         std::string_view call, std::string_view rule) {
  const std::string message = error.take();
  if (status == TP_OK) {
    FAIL_CHECK(
        fmt::format("{} returned TP_OK; expected {} with a message (rule {})",
                    call, allowed_names(allowed), rule));
    return false;
  }
  bool ok = true;
  if (!contains(allowed, status)) {
    FAIL_CHECK(fmt::format(
        "{} returned {} (message: \"{}\"); expected {} "
        "(rule {})",
        call, status_name(status), message, allowed_names(allowed), rule));
    ok = false;
  }
  if (message.empty()) {
    FAIL_CHECK(
        fmt::format("{} returned {} but left tp_error.message empty; "
                    "an error must say what is wrong (rule TP_ABI_7)",
                    call, status_name(status)));
    ok = false;
  }
  return ok;
}

bool expect_plugin_error(const std::function<void()>& body,
                         const std::vector<tp_status>& allowed,
                         std::string_view call, std::string_view rule) {
  try {
    body();
  } catch (const PluginError& e) {
    const std::string what = e.what();
    bool ok = true;
    if (!contains(allowed, e.status())) {
      FAIL_CHECK(fmt::format(
          "{} failed with {} (\"{}\"); expected {} (rule "
          "{})",
          call, status_name(e.status()), what, allowed_names(allowed), rule));
      ok = false;
    }
    // The host writes "(no message)" when the plugin set none.
    if (what.ends_with("(no message)") || what.ends_with(": ")) {
      FAIL_CHECK(
          fmt::format("{} failed with {} but without a message: \"{}\" "
                      "(rule TP_ABI_7)",
                      call, status_name(e.status()), what));
      ok = false;
    }
    return ok;
  } catch (const std::exception& e) {
    FAIL_CHECK(
        fmt::format("{} threw a host error instead of returning an "
                    "error status from the plugin: {}",
                    call, e.what()));
    return false;
  }
  FAIL_CHECK(
      fmt::format("{} succeeded; expected an error status ({}) with a "
                  "message (rule {})",
                  call, allowed_names(allowed), rule));
  return false;
}

void app_error_case(std::string_view entry, const std::string& name,
                    const std::vector<tp_status>& allowed,
                    std::string_view rule, const std::function<void()>& body) {
  Kit::instance().run_case(entry, name, [&] {
    expect_plugin_error(body, allowed, fmt::format("{}: {}", entry, name),
                        rule);
  });
}

}  // namespace tensorplug::conformance
