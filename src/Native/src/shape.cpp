// Shape and indexing operations: views, joins, slices and gathers.
#include "common.h"

using namespace camloss;

CAMLOSS_EXPORT camloss_tensor_view(TensorHandle x, const int64_t* shape, int64_t ndim, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).view(int_list(shape, ndim))); });
}

CAMLOSS_EXPORT camloss_tensor_reshape(TensorHandle x, const int64_t* shape, int64_t ndim, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).reshape(int_list(shape, ndim))); });
}

CAMLOSS_EXPORT camloss_tensor_expand(TensorHandle x, const int64_t* shape, int64_t ndim, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).expand(int_list(shape, ndim))); });
}

CAMLOSS_EXPORT camloss_tensor_permute(TensorHandle x, const int64_t* dims, int64_t ndim, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).permute(int_list(dims, ndim))); });
}

CAMLOSS_EXPORT camloss_tensor_transpose(TensorHandle x, int64_t dim0, int64_t dim1, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).transpose(dim0, dim1)); });
}

CAMLOSS_EXPORT camloss_tensor_flatten(TensorHandle x, int64_t start_dim, int64_t end_dim, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).flatten(start_dim, end_dim)); });
}

/// has_dim 0 squeezes every size-1 dimension.
CAMLOSS_EXPORT camloss_tensor_squeeze(TensorHandle x, int32_t has_dim, int64_t dim, TensorHandle* out) {
  return guard([&] {
    const auto& t = unwrap(x);
    *checked_out(out) = wrap(has_dim ? t.squeeze(dim) : t.squeeze());
  });
}

CAMLOSS_EXPORT camloss_tensor_unsqueeze(TensorHandle x, int64_t dim, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).unsqueeze(dim)); });
}

CAMLOSS_EXPORT camloss_tensor_contiguous(TensorHandle x, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).contiguous()); });
}

CAMLOSS_EXPORT camloss_tensor_cat(const TensorHandle* xs, int64_t count, int64_t dim, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(at::cat(unwrap_list(xs, count), dim)); });
}

CAMLOSS_EXPORT camloss_tensor_stack(const TensorHandle* xs, int64_t count, int64_t dim, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(at::stack(unwrap_list(xs, count), dim)); });
}

CAMLOSS_EXPORT camloss_tensor_narrow(TensorHandle x, int64_t dim, int64_t start, int64_t length,
                                     TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).narrow(dim, start, length)); });
}

CAMLOSS_EXPORT camloss_tensor_select(TensorHandle x, int64_t dim, int64_t index, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).select(dim, index)); });
}

CAMLOSS_EXPORT camloss_tensor_slice(TensorHandle x, int64_t dim, int64_t start, int64_t end,
                                    int64_t step, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).slice(dim, start, end, step)); });
}

CAMLOSS_EXPORT camloss_tensor_index_select(TensorHandle x, int64_t dim, TensorHandle index, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).index_select(dim, unwrap(index))); });
}

CAMLOSS_EXPORT camloss_tensor_gather(TensorHandle x, int64_t dim, TensorHandle index, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).gather(dim, unwrap(index))); });
}

CAMLOSS_EXPORT camloss_tensor_scatter(TensorHandle x, int64_t dim, TensorHandle index, TensorHandle src,
                                      TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).scatter(dim, unwrap(index), unwrap(src))); });
}

CAMLOSS_EXPORT camloss_tensor_one_hot(TensorHandle labels, int64_t num_classes, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(at::one_hot(unwrap(labels), num_classes)); });
}

/// A view with explicit sizes, strides and storage offset (in elements), as torch.as_strided.
CAMLOSS_EXPORT camloss_tensor_as_strided(TensorHandle x, const int64_t* sizes, const int64_t* strides, int64_t ndim,
                                         int64_t storage_offset, TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap(unwrap(x).as_strided(int_list(sizes, ndim), int_list(strides, ndim), storage_offset));
  });
}
