// Minibatches of a labelled image data set, shared by the examples: seeded
// shuffling, gathering a batch with one-hot targets, counting correct
// predictions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace tpex {

/// A permutation of 0..n-1 from a seeded Mersenne Twister (Fisher-Yates on
/// the raw 32-bit outputs, so it is the same with every standard library).
inline std::vector<std::size_t> shuffled_indices(std::size_t n,
                                                 std::mt19937& rng) {
  std::vector<std::size_t> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = i;
  for (std::size_t i = n; i > 1; --i) {
    const std::size_t j = rng() % i;
    std::swap(idx[i - 1], idx[j]);
  }
  return idx;
}

/// A batch: pixels (rows x features), one-hot labels (rows x classes) and
/// the labels.
struct Batch {
  std::vector<float> pixels;
  std::vector<float> one_hot;
  std::vector<int> labels;
  std::size_t rows = 0;
};

/// The rows `idx[begin, end)` of a data set of `features` values per row.
inline Batch gather_batch(const std::vector<float>& pixels,
                          const std::vector<int>& labels, std::size_t features,
                          std::size_t classes,
                          const std::vector<std::size_t>& idx,
                          std::size_t begin, std::size_t end) {
  Batch b;
  b.rows = end - begin;
  b.pixels.resize(b.rows * features);
  b.one_hot.assign(b.rows * classes, 0.0f);
  b.labels.resize(b.rows);
  for (std::size_t r = 0; r < b.rows; ++r) {
    const std::size_t i = idx[begin + r];
    std::copy_n(pixels.begin() + static_cast<std::ptrdiff_t>(i * features),
                features,
                b.pixels.begin() + static_cast<std::ptrdiff_t>(r * features));
    b.one_hot[r * classes + static_cast<std::size_t>(labels[i])] = 1.0f;
    b.labels[r] = labels[i];
  }
  return b;
}

/// How many rows of `probabilities` (rows x classes) have their largest
/// value at the true label (ties: the first maximum, as argmax).
inline std::size_t count_correct(const std::vector<float>& probabilities,
                                 const std::vector<int>& labels,
                                 std::size_t classes) {
  std::size_t correct = 0;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    const auto row =
        probabilities.begin() + static_cast<std::ptrdiff_t>(r * classes);
    const auto best =
        std::max_element(row, row + static_cast<std::ptrdiff_t>(classes)) - row;
    if (best == labels[r]) ++correct;
  }
  return correct;
}

}  // namespace tpex
