// Image decoding with OpenCV: encoded bytes to an 8-bit RGB [H, W, 3] uint8 tensor.
#include "common.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace camloss;

/// Decodes JPEG/PNG/BMP/WebP/... bytes. Greyscale, 16-bit and alpha images come out as 8-bit
/// RGB; JPEG EXIF orientation is applied (OpenCV's IMREAD_COLOR default).
CAMLOSS_EXPORT camloss_image_decode(const uint8_t* data, int64_t length, TensorHandle* out) {
  return guard([&] {
    if (data == nullptr || length <= 0) throw InvalidArgument("the image is empty (0 bytes)");
    cv::Mat encoded(1, static_cast<int>(length), CV_8UC1, const_cast<uint8_t*>(data));
    cv::Mat bgr = cv::imdecode(encoded, cv::IMREAD_COLOR);
    if (bgr.empty()) {
      throw InvalidArgument("the bytes are not an image OpenCV " CV_VERSION
                            " can decode (corrupt, truncated, or an unsupported format)");
    }
    auto rgb = at::empty({bgr.rows, bgr.cols, 3}, at::kByte);
    cv::Mat view(bgr.rows, bgr.cols, CV_8UC3, rgb.data_ptr());
    cv::cvtColor(bgr, view, cv::COLOR_BGR2RGB);
    *checked_out(out) = wrap(std::move(rgb));
  });
}
