// Parsing the events file's JSON lines (see event_reader.hpp).
#include "runner/event_reader.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>

namespace tensorplug::conformance::runner {

std::string Event::str(std::string_view key, std::string_view fallback) const {
  const auto* v = fields.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::string(fallback);
  return std::string(v->get_string());
}

std::size_t Event::index(std::string_view key, std::size_t fallback) const {
  const auto* v = fields.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_uint64()) return static_cast<std::size_t>(v->get_uint64());
  if (v->is_int64() && v->get_int64() >= 0) {
    return static_cast<std::size_t>(v->get_int64());
  }
  return fallback;
}

double Event::number(std::string_view key, double fallback) const {
  const auto* v = fields.if_contains(key);
  if (v == nullptr || !v->is_number()) return fallback;
  return v->to_number<double>();
}

std::vector<std::string> Event::strings(std::string_view key) const {
  std::vector<std::string> out;
  const auto* v = fields.if_contains(key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& item : v->get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

std::vector<Event> EventReader::parse_line(std::string_view line, bool last) {
  ++line_number_;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.remove_suffix(1);
  }
  if (line.empty()) return {};
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(line, ec);
  const boost::json::object* obj =
      !ec && v.is_object() ? &v.get_object() : nullptr;
  const boost::json::value* type =
      obj != nullptr ? obj->if_contains("event") : nullptr;
  if (type == nullptr || !type->is_string()) {
    if (last) {
      // The child died while writing it: what it wrote before still counts.
      truncated_ = true;
    } else {
      problems_.push_back(fmt::format("events line {} is not an event: {}",
                                      line_number_, line.substr(0, 200)));
    }
    return {};
  }
  Event e;
  e.type = std::string(type->get_string());
  e.fields = std::move(v.get_object());
  return {std::move(e)};
}

std::vector<Event> EventReader::feed(std::string_view bytes) {
  pending_.append(bytes);
  std::vector<Event> out;
  std::size_t begin = 0;
  for (std::size_t nl = pending_.find('\n'); nl != std::string::npos;
       nl = pending_.find('\n', begin)) {
    for (Event& e : parse_line(
             std::string_view(pending_).substr(begin, nl - begin), false)) {
      out.push_back(std::move(e));
    }
    begin = nl + 1;
  }
  pending_.erase(0, begin);
  return out;
}

std::vector<Event> EventReader::finish() {
  std::string rest = std::move(pending_);
  pending_.clear();
  return parse_line(rest, true);
}

std::vector<Event> read_events(std::string_view text,
                               std::vector<std::string>* problems) {
  EventReader reader;
  std::vector<Event> out = reader.feed(text);
  for (Event& e : reader.finish()) out.push_back(std::move(e));
  if (problems != nullptr) *problems = reader.problems();
  return out;
}

}  // namespace tensorplug::conformance::runner
