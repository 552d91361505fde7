#include "array.hpp"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <utility>

#include "buffer_pool.hpp"
#include "dtype.hpp"
#include "text.hpp"

namespace tptk {

Array::Array(Shape shape, DLDataType dtype)
    : shape_(std::move(shape)), dtype_(dtype) {
  allocate(true);
}

Array Array::uninitialized(Shape shape, DLDataType dtype) {
  Array a;
  a.shape_ = std::move(shape);
  a.dtype_ = dtype;
  a.allocate(false);
  return a;
}

Array Array::borrow(Shape shape, DLDataType dtype, void* data) {
  Array a;
  a.shape_ = std::move(shape);
  a.dtype_ = dtype;
  const std::size_t elem = tp::element_size(dtype);
  a.size_ = element_count(a.shape_, "array", elem == 0 ? 1 : elem);
  a.nbytes_ = a.size_ * elem;
  a.data_ = static_cast<std::byte*>(data);
  return a;
}

Array Array::adopt(Shape shape, DLDataType dtype,
                   std::shared_ptr<std::byte[]> storage) {
  Array a = borrow(std::move(shape), dtype, storage.get());
  if (a.nbytes_ > 0 && a.data_ == nullptr) {
    fail(TP_ERROR_INTERNAL, "array: adopting a null buffer for shape ",
         format_shape(a.shape_));
  }
  if (a.nbytes_ > 0) a.storage_ = std::move(storage);
  return a;
}

void Array::allocate(bool zero) {
  const std::size_t elem = tp::element_size(dtype_);
  size_ = element_count(shape_, "array", elem == 0 ? 1 : elem);
  nbytes_ = size_ * elem;
  if (nbytes_ == 0) return;
  // 64-byte alignment: whole cache lines and AVX-512 vectors for kernels.
  // Inside a call the buffer comes from the callable's memory plan.
  BufferPool* pool = BufferPool::current();
  storage_ = pool != nullptr ? pool->take(nbytes_) : allocate_buffer(nbytes_);
  if (!storage_) {
    fail(TP_ERROR_OUT_OF_MEMORY, "array: cannot allocate ", nbytes_,
         " bytes for shape ", format_shape(shape_));
  }
  pooled_ = pool != nullptr;
  data_ = storage_.get();
  if (zero) std::memset(data_, 0, nbytes_);
}

Array::Array(const Array& other) : shape_(other.shape_), dtype_(other.dtype_) {
  allocate(false);
  if (nbytes_ > 0) std::memcpy(data_, other.data_, nbytes_);
}

Array Array::share() const {
  if (!storage_) return Array(*this);
  Array a;
  a.shape_ = shape_;
  a.dtype_ = dtype_;
  a.size_ = size_;
  a.nbytes_ = nbytes_;
  a.storage_ = storage_;
  a.pooled_ = pooled_;
  a.data_ = data_;
  return a;
}

Array& Array::operator=(const Array& other) {
  if (this != &other) *this = Array(other);
  return *this;
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

namespace {

/**
 * A tensor made by share_array: the DLManagedTensor, the buffer it keeps
 * alive and its shape, in one block (manager_ctx points to the block).
 */
struct Share {
  DLManagedTensor managed{};
  std::shared_ptr<std::byte[]> storage;
  Shape shape;
};

/**
 * Released blocks kept for the next share_array, so that handing out a
 * call's outputs allocates nothing in steady state. Deleters may run on any
 * thread; a few dozen blocks cover the outputs of any function's calls.
 */
class ShareCache {
 public:
  ~ShareCache() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < count_; ++i) delete free_[i];
    count_ = 0;
    closed_ = true;
  }
  std::unique_ptr<Share> take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (count_ > 0) return std::unique_ptr<Share>(free_[--count_]);
    }
    return std::make_unique<Share>();
  }
  void give(Share* s) noexcept {
    s->storage.reset();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!closed_ && count_ < kKept) {
        free_[count_++] = s;
        return;
      }
    }
    delete s;
  }

 private:
  static constexpr std::size_t kKept = 64;
  std::mutex mutex_;
  Share* free_[kKept] = {};
  std::size_t count_ = 0;
  bool closed_ = false;
};

ShareCache& share_cache() {
  static ShareCache cache;
  return cache;
}

void delete_share(DLManagedTensor* self) noexcept {
  if (self == nullptr) return;
  share_cache().give(static_cast<Share*>(self->manager_ctx));
}

}  // namespace

tp::ManagedTensorPtr share_array(const Array& a) {
  if (!a.storage() || a.size() == 0) return export_array(a);
  std::unique_ptr<Share> share = share_cache().take();
  share->storage = a.storage();
  share->shape = a.shape();
  DLManagedTensor& m = share->managed;
  m.dl_tensor.data = a.storage().get();
  m.dl_tensor.device = {kDLCPU, 0};
  m.dl_tensor.ndim = static_cast<int32_t>(share->shape.size());
  m.dl_tensor.dtype = a.dtype();
  m.dl_tensor.shape = share->shape.data();
  m.dl_tensor.strides = nullptr;
  m.dl_tensor.byte_offset = 0;
  m.manager_ctx = share.get();
  m.deleter = &delete_share;
  return tp::ManagedTensorPtr(&share.release()->managed);
}

Array view_or_import(const DLTensor& t, std::string_view entry) {
  if (!tp::is_contiguous(t)) return import_dltensor(t, entry);
  return Array::borrow(shape_of(t), t.dtype,
                       static_cast<std::byte*>(t.data) + t.byte_offset);
}

}  // namespace tptk
