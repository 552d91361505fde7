#include "array.hpp"

#include <cstring>
#include <utility>

#include "dtype.hpp"
#include "text.hpp"

namespace tpref {

Array::Array(Shape shape, DLDataType dtype)
    : shape_(std::move(shape)), dtype_(dtype) {
  const std::size_t elem = tp::element_size(dtype_);
  size_ = element_count(shape_, "array", elem == 0 ? 1 : elem);
  bytes_.resize(size_ * elem);
}

void check_dltensor(const DLTensor* t, std::string_view entry,
                    std::string_view what) {
  if (t == nullptr)
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": ", what, " is NULL");
  if (!tp::is_cpu(*t)) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": ", what,
         " must be in CPU memory (DLPack device type ",
         static_cast<int>(t->device.device_type), ")");
  }
  if (t->ndim < 0 || (t->ndim > 0 && t->shape == nullptr)) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": ", what, " has ndim ", t->ndim,
         t->ndim < 0 ? "" : " and a NULL shape");
  }
  if (tp::element_size(t->dtype) == 0) {
    fail(TP_ERROR_DTYPE, entry, ": ", what, " has an invalid dtype ",
         tp::dtype_name(t->dtype));
  }
  const auto count =
      tp::checked_element_count(t->shape, t->ndim, tp::element_size(t->dtype));
  if (!count) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": ", what, " has an invalid shape ",
         format_shape(make_shape(t->shape, t->ndim)));
  }
  if (*count > 0 && t->data == nullptr) {
    fail(TP_ERROR_INVALID_ARGUMENT, entry, ": ", what, " has NULL data");
  }
}

Shape shape_of(const DLTensor& t) { return make_shape(t.shape, t.ndim); }

Array import_dltensor(const DLTensor& t, std::string_view entry) {
  return import_dltensor(t, t.dtype, entry);
}

Array import_dltensor(const DLTensor& t, DLDataType dtype,
                      std::string_view entry) {
  if (tp::dtype_equal(t.dtype, dtype)) {
    Array a(shape_of(t), dtype);
    tp::copy_to_contiguous(t, a.bytes());
    return a;
  }
  Array raw(shape_of(t), t.dtype);
  tp::copy_to_contiguous(t, raw.bytes());
  Array a(shape_of(t), dtype);
  convert(raw.bytes(), raw.dtype(), a.bytes(), dtype, a.size(), entry);
  return a;
}

tp::ManagedTensorPtr export_array(const Array& a) {
  tp::ManagedTensorPtr m = tp::make_managed_tensor(
      a.shape().data(), static_cast<int>(a.shape().size()), a.dtype());
  if (a.nbytes() > 0) std::memcpy(m->dl_tensor.data, a.bytes(), a.nbytes());
  return m;
}

}  // namespace tpref
