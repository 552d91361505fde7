// Keras-like training progress, shared by the examples (tensorplug-digits,
// tensorplug-fashion). On a terminal the current epoch's bar is redrawn in
// place with \r, at most every 100 ms:
//   Epoch 3/10
//   120/430 [=======>......................] - ETA: 14s - loss: 0.4321 - acc:
//   0.8765
// and each epoch ends with
//   430/430 [==============================] - 21s 48ms/step - loss: 0.4012 -
//   acc: 0.8812 - val_loss: 0.3710 - val_acc: 0.8690
// Elsewhere (a pipe, a log file, CI) no \r is written: the epoch's final line,
// and on long epochs a plain progress line every 15 s, so that a log shows
// the run is alive without carriage-return garbage.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

namespace tpex {

/// `12/45 [=======>......................]`: `width` cells, '=' for done,
/// '>' for the batch in progress, '.' for the rest (as Keras's Progbar).
inline std::string progress_bar(std::size_t current, std::size_t total,
                                std::size_t width = 30) {
  const std::string count =
      std::to_string(current) + "/" + std::to_string(total);
  std::string pad(
      std::to_string(total).size() - std::min(std::to_string(current).size(),
                                              std::to_string(total).size()),
      ' ');
  std::size_t done = total == 0 ? width : current * width / total;
  if (done > width) done = width;
  std::string cells;
  if (done > 0) {
    cells.assign(done - 1, '=');
    cells += current < total ? '>' : '=';
  }
  cells.append(width - cells.size(), '.');
  return pad + count + " [" + cells + "]";
}

/// A step's duration as Keras prints it: `1s/step`, `48ms/step`,
/// `210us/step` (never `0ms/step` for a fast step).
inline std::string per_step(double seconds) {
  char buf[32];
  if (seconds >= 1.0) {
    std::snprintf(buf, sizeof buf, "%.0fs/step", seconds);
  } else if (seconds >= 1e-3) {
    std::snprintf(buf, sizeof buf, "%.0fms/step", seconds * 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0fus/step", seconds * 1e6);
  }
  return buf;
}

/// A remaining time as Keras prints its ETA: `7s`, `2:05`, `1:02:05`.
inline std::string eta(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
                  s % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lds", s);
  }
  return buf;
}

/// ` - loss: 0.4321 - acc: 0.8765`, with `prefix` (e.g. "val_") before each
/// name.
inline std::string metrics(double loss, double acc,
                           const std::string& prefix = "") {
  char buf[96];
  std::snprintf(buf, sizeof buf, " - %sloss: %.4f - %sacc: %.4f",
                prefix.c_str(), loss, prefix.c_str(), acc);
  return buf;
}

/// Validation results of an epoch.
struct Validation {
  double loss = 0;
  double acc = 0;
};

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  /// Writes to `out`; redraws in place when `tty`.
  Progress(std::FILE* out, bool tty) : out_(out), tty_(tty) {}

  void begin_epoch(int epoch, int epochs) {
    std::fprintf(out_, "Epoch %d/%d\n", epoch, epochs);
    std::fflush(out_);
    start_ = last_draw_ = Clock::now();
    drawn_ = 0;
  }

  /// After batch `current` of `total`, with the running means so far.
  void batch(std::size_t current, std::size_t total, double loss, double acc) {
    if (current >= total) return;  // end_epoch draws the last state
    const auto now = Clock::now();
    const double since_draw =
        std::chrono::duration<double>(now - last_draw_).count();
    if (since_draw < (tty_ ? 0.1 : 15.0)) return;
    last_draw_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double remaining = elapsed / static_cast<double>(current) *
                             static_cast<double>(total - current);
    const std::string line = progress_bar(current, total) +
                             " - ETA: " + eta(remaining) + metrics(loss, acc);
    if (tty_) {
      std::fprintf(out_, "\r%s%s", line.c_str(), padding(line).c_str());
    } else {
      std::fprintf(out_, "%s\n", line.c_str());
    }
    std::fflush(out_);
  }

  /// The epoch's final line: its time, time per step, training metrics and
  /// (when given) validation metrics.
  void end_epoch(std::size_t total, double seconds, double loss, double acc,
                 const std::optional<Validation>& val = std::nullopt) {
    char timing[32];
    std::snprintf(timing, sizeof timing, " - %.0fs ", seconds);
    std::string line = progress_bar(total, total) + timing +
                       per_step(total ? seconds / total : 0.0) +
                       metrics(loss, acc);
    if (val) line += metrics(val->loss, val->acc, "val_");
    std::fprintf(out_, "%s%s%s\n", tty_ ? "\r" : "", line.c_str(),
                 tty_ ? padding(line).c_str() : "");
    std::fflush(out_);
  }

 private:
  /// Spaces that blank what a longer previous draw left on the line.
  std::string padding(const std::string& line) {
    const std::size_t n = drawn_ > line.size() ? drawn_ - line.size() : 0;
    drawn_ = line.size();
    return std::string(n, ' ');
  }

  std::FILE* out_;
  bool tty_;
  Clock::time_point start_{}, last_draw_{};
  std::size_t drawn_ = 0;
};

}  // namespace tpex
