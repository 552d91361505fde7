#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <memory>
#include <mutex>

#include "env.hpp"
#include "log_internal.hpp"
#include "tensorplug/log.hpp"

namespace tensorplug {
namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

LogLevel from_spdlog(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return LogLevel::kTrace;
    case spdlog::level::debug:
      return LogLevel::kDebug;
    case spdlog::level::info:
      return LogLevel::kInfo;
    case spdlog::level::warn:
      return LogLevel::kWarn;
    case spdlog::level::err:
    case spdlog::level::critical:
      return LogLevel::kError;
    default:
      return LogLevel::kOff;
  }
}

/// Forwards formatted messages to an application's handler.
class HandlerSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit HandlerSink(LogHandler handler) : handler_(std::move(handler)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    handler_(from_spdlog(msg.level),
             std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  LogHandler handler_;
};

std::shared_ptr<spdlog::sinks::sink> stderr_sink() {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  sink->set_pattern("%^tensorplug: %l:%$ %v");
  return sink;
}

std::shared_ptr<spdlog::logger> make_logger() {
  auto logger = std::make_shared<spdlog::logger>("tensorplug", stderr_sink());
  LogLevel level = LogLevel::kInfo;
  if (auto text = detail::get_env("TENSORPLUG_LOG", detail::EnvTrust::kAny)) {
    if (!parse_log_level(*text, level)) {
      logger->warn(
          "TENSORPLUG_LOG='{}' is not a level (error, warn, info, debug, "
          "trace, off); using info",
          *text);
    }
  }
  logger->set_level(to_spdlog(level));
  logger->flush_on(spdlog::level::trace);
  return logger;
}

std::shared_ptr<spdlog::logger>& logger_ptr() {
  static std::shared_ptr<spdlog::logger> logger = make_logger();
  return logger;
}

}  // namespace

namespace detail {
spdlog::logger& log() { return *logger_ptr(); }
}  // namespace detail

void set_log_level(LogLevel level) {
  logger_ptr()->set_level(to_spdlog(level));
}

LogLevel log_level() { return from_spdlog(logger_ptr()->level()); }

void set_log_handler(LogHandler handler) {
  auto& sinks = logger_ptr()->sinks();
  sinks.clear();
  if (handler) {
    sinks.push_back(std::make_shared<HandlerSink>(std::move(handler)));
  } else {
    sinks.push_back(stderr_sink());
  }
}

bool parse_log_level(std::string_view text, LogLevel& out) {
  static constexpr std::pair<std::string_view, LogLevel> kLevels[] = {
      {"trace", LogLevel::kTrace},  {"debug", LogLevel::kDebug},
      {"info", LogLevel::kInfo},    {"warn", LogLevel::kWarn},
      {"warning", LogLevel::kWarn}, {"error", LogLevel::kError},
      {"off", LogLevel::kOff}};
  for (const auto& [name, level] : kLevels) {
    if (text == name) {
      out = level;
      return true;
    }
  }
  return false;
}

}  // namespace tensorplug
