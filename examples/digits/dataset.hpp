// The UCI 8x8 handwritten digits (examples/data/digits.csv): 1,797 rows of
// 64 pixel values 0..16 then the label 0..9. Header-only so that the tests
// (tests/unit/app/) use the very code the example runs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/batches.hpp"

namespace digits {

inline constexpr int kSide = 8;
inline constexpr int kFeatures = kSide * kSide;
inline constexpr int kClasses = 10;

struct Dataset {
  /// Row-major (size() x 64), scaled to [0, 1] (pixel / 16).
  std::vector<float> pixels;
  std::vector<int> labels;
  std::size_t size() const { return labels.size(); }
};

/// Parses the CSV text; `where` names the source in error messages, with
/// the line number.
inline Dataset parse_csv(std::istream& in, const std::string& where) {
  Dataset d;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto bad = [&](const std::string& why) {
      return std::runtime_error(where + ":" + std::to_string(line_no) + ": " +
                                why);
    };
    std::istringstream fields(line);
    std::string field;
    std::vector<int> values;
    while (std::getline(fields, field, ',')) {
      std::size_t used = 0;
      int v = 0;
      try {
        v = std::stoi(field, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != field.size()) {
        throw bad("`" + field + "` is not an integer");
      }
      values.push_back(v);
    }
    if (values.size() != kFeatures + 1) {
      throw bad("expected 65 values (64 pixels and a label), found " +
                std::to_string(values.size()));
    }
    for (int i = 0; i < kFeatures; ++i) {
      if (values[i] < 0 || values[i] > 16) {
        throw bad("pixel " + std::to_string(i) + " is " +
                  std::to_string(values[i]) + ", outside 0..16");
      }
      d.pixels.push_back(static_cast<float>(values[i]) / 16.0f);
    }
    if (values[kFeatures] < 0 || values[kFeatures] >= kClasses) {
      throw bad("label " + std::to_string(values[kFeatures]) +
                " is outside 0..9");
    }
    d.labels.push_back(values[kFeatures]);
  }
  if (d.size() == 0) throw std::runtime_error(where + ": no rows");
  return d;
}

inline Dataset load_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot open the data set " + path.string());
  }
  return parse_csv(in, path.string());
}

/// Rows [begin, end) of `d`.
inline Dataset slice(const Dataset& d, std::size_t begin, std::size_t end) {
  Dataset out;
  out.pixels.assign(d.pixels.begin() + begin * kFeatures,
                    d.pixels.begin() + end * kFeatures);
  out.labels.assign(d.labels.begin() + begin, d.labels.begin() + end);
  return out;
}

using tpex::shuffled_indices;

/// Rows `rows` of `d`, in that order.
inline Dataset select(const Dataset& d, const std::vector<std::size_t>& rows) {
  Dataset out;
  for (std::size_t i : rows) {
    out.pixels.insert(out.pixels.end(), d.pixels.begin() + i * kFeatures,
                      d.pixels.begin() + (i + 1) * kFeatures);
    out.labels.push_back(d.labels[i]);
  }
  return out;
}

/// The seed of the train/test split: fixed, so that every run (whatever
/// --seed) is evaluated on the same test set.
inline constexpr std::uint32_t kSplitSeed = 20260101;

/// The fixed stratified split: for each digit, its rows in file order are
/// shuffled with mt19937(kSplitSeed) and a fifth of them (rounded to the
/// nearest) go to the test set; both sets keep file order. With the shipped
/// file: 1,438 training rows, 359 test rows.
inline std::pair<Dataset, Dataset> split(const Dataset& d) {
  std::mt19937 rng(kSplitSeed);
  std::vector<bool> is_test(d.size(), false);
  for (int c = 0; c < kClasses; ++c) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (d.labels[i] == c) rows.push_back(i);
    }
    const auto order = shuffled_indices(rows.size(), rng);
    const std::size_t n_test = (rows.size() + 2) / 5;  // round(n / 5)
    for (std::size_t k = 0; k < n_test; ++k) is_test[rows[order[k]]] = true;
  }
  std::vector<std::size_t> train, test;
  for (std::size_t i = 0; i < d.size(); ++i) {
    (is_test[i] ? test : train).push_back(i);
  }
  return {select(d, train), select(d, test)};
}

/// A batch of rows `idx[begin, end)`: pixels (rows x 64) and one-hot labels
/// (rows x 10).
using tpex::Batch;

inline Batch gather_batch(const Dataset& d, const std::vector<std::size_t>& idx,
                          std::size_t begin, std::size_t end) {
  return tpex::gather_batch(d.pixels, d.labels, kFeatures, kClasses, idx, begin,
                            end);
}

/// How many rows of `probabilities` (rows x 10) have their largest value at
/// the true label (ties: the first maximum, as argmax).
inline std::size_t count_correct(const std::vector<float>& probabilities,
                                 const std::vector<int>& labels) {
  return tpex::count_correct(probabilities, labels, kClasses);
}

}  // namespace digits
