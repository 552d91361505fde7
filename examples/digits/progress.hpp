// Keras-like progress output: on a terminal the bar of the current epoch is
// redrawn in place with \r after each batch,
//   12/45 [=======>......................] - loss: 0.4321 - acc: 0.8765
// and elsewhere (a pipe, a log file, CI) one plain line per epoch.
#pragma once

#include <cstdio>
#include <string>

namespace digits {

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

/// ` - loss: 0.4321 - acc: 0.8765`
inline std::string metrics(double loss, double acc) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " - loss: %.4f - acc: %.4f", loss, acc);
  return buf;
}

class Progress {
 public:
  /// Writes to `out`; redraws in place when `tty`.
  Progress(std::FILE* out, bool tty) : out_(out), tty_(tty) {}

  void begin_epoch(int epoch, int epochs) {
    std::fprintf(out_, "Epoch %d/%d\n", epoch, epochs);
    std::fflush(out_);
  }
  void batch(std::size_t current, std::size_t total, double loss, double acc) {
    if (!tty_ || current == total) return;
    std::fprintf(out_, "\r%s%s", progress_bar(current, total).c_str(),
                 metrics(loss, acc).c_str());
    std::fflush(out_);
  }
  void end_epoch(std::size_t total, double seconds, double loss, double acc) {
    char timing[64];
    std::snprintf(timing, sizeof timing, " - %.0fs %.0fms/step", seconds,
                  total ? seconds * 1000.0 / total : 0.0);
    std::fprintf(out_, "%s%s%s%s\n", tty_ ? "\r" : "",
                 progress_bar(total, total).c_str(), timing,
                 metrics(loss, acc).c_str());
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
  bool tty_;
};

}  // namespace digits
