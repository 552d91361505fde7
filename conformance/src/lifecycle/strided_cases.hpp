// Values at the boundary that are not compact (TP_ABI_15: "Inputs may be
// strided and have a byte_offset"): DLPack tensors whose `strides` describe a
// transposed view, a column slice or a permuted view, and whose data starts
// `byte_offset` bytes into the buffer. Used by the required group (function
// inputs, variable values) and by the ops group (operands fed as views).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kit.hpp"
#include "tensorplug/array.hpp"

namespace tensorplug::conformance {

/// How a value of logical shape `shape` is laid out in a larger buffer.
struct StridedLayout {
  /// For case names: "transposed view (strides (1, 5))".
  std::string name;
  /// Element strides of the view (DLPack counts elements, not bytes).
  std::vector<std::int64_t> strides;
  /// Elements before the first element: given as `byte_offset`.
  std::int64_t offset = 0;
};

/// A non-compact DLTensor holding the same values as a compact Array: its
/// own buffer (poisoned between the elements it uses) and shape/strides.
class StridedValue {
 public:
  StridedValue(const Array& value, StridedLayout layout);
  StridedValue(const StridedValue&) = delete;
  StridedValue& operator=(const StridedValue&) = delete;
  /// Valid while this object lives.
  const DLTensor& tensor() const { return tensor_; }
  const StridedLayout& layout() const { return layout_; }

 private:
  StridedLayout layout_;
  std::vector<std::int64_t> shape_;
  // 8-byte words: every dtype's elements are aligned in it.
  std::vector<std::uint64_t> storage_;
  DLTensor tensor_{};
};

/// Layouts of a rank-2 (rows, cols) value: the transpose of a (cols, rows)
/// buffer; a column slice of a buffer with more columns (row stride > cols)
/// starting at column 2 (a byte_offset); compact strides with a byte_offset.
/// For other ranks: reversed axes (a transposed view) with a byte_offset,
/// and compact strides with a byte_offset (rank 0: a byte_offset only).
std::vector<StridedLayout> strided_layouts(
    const std::vector<std::int64_t>& shape);

/// The required group's cases: function inputs and variable values given
/// as strided views with a byte_offset must behave as their compact copies,
/// bit for bit (for every dtype under test).
void check_strided_values(Kit& kit, const Backend& b);

/// Calls `f` through the raw ABI with `inputs` (any layout), returning its
/// outputs (compact Arrays); throws std::runtime_error with the backend's
/// status and message when the call fails.
std::vector<Array> call_raw(const Backend& b, const Function& f,
                            const std::vector<const DLTensor*>& inputs);

}  // namespace tensorplug::conformance
