// Image codecs with OpenCV: encoded bytes to an 8-bit RGB [H, W, 3] uint8 tensor, and back.
#include "common.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>
#include <limits>
#include <stdexcept>

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

/// Encodes a uint8 image, [H, W, 3] RGB or [H, W] / [H, W, 1] grey (any device and layout; it is
/// copied to contiguous CPU memory), as PNG (format 0, lossless) or JPEG (format 1, quality 1-100).
/// The encoded bytes come back as a new 1-D uint8 tensor: the caller frees it with
/// camloss_tensor_free like any other tensor, so the live-tensor count also catches a leaked
/// buffer, and no second kind of native allocation crosses the boundary.
CAMLOSS_EXPORT camloss_image_encode(TensorHandle image, int32_t format, int32_t quality,
                                    TensorHandle* out) {
  return guard([&] {
    auto* result = checked_out(out);
    const auto& t = unwrap(image);
    if (t.scalar_type() != at::kByte) {
      throw InvalidArgument(std::string("an image to encode must be uint8; got ") +
                            c10::toString(t.scalar_type()));
    }
    const int64_t channels = t.dim() == 2 ? 1 : (t.dim() == 3 ? t.size(2) : 0);
    if (channels != 1 && channels != 3) {
      throw InvalidArgument("an image to encode must be [H, W, 3] (RGB) or [H, W] / [H, W, 1] "
                            "(grey); got " + c10::str(t.sizes()));
    }
    const int64_t limit = std::numeric_limits<int32_t>::max();
    if (t.size(0) <= 0 || t.size(1) <= 0 || t.size(0) > limit || t.size(1) > limit) {
      throw InvalidArgument("an image to encode needs 1 to 2^31-1 rows and columns; got " +
                            c10::str(t.sizes()));
    }

    const char* extension = nullptr;
    std::vector<int> parameters;
    if (format == 0) {
      extension = ".png";
    } else if (format == 1) {
      if (quality < 1 || quality > 100) {
        throw InvalidArgument("JPEG quality must be 1 to 100; got " + std::to_string(quality));
      }
      extension = ".jpg";
      parameters = {cv::IMWRITE_JPEG_QUALITY, quality};
    } else {
      throw InvalidArgument("unknown image format " + std::to_string(format));
    }

    auto pixels = t.detach().to(at::kCPU).contiguous();
    cv::Mat source(static_cast<int>(t.size(0)), static_cast<int>(t.size(1)),
                   channels == 3 ? CV_8UC3 : CV_8UC1, pixels.data_ptr());
    cv::Mat ordered;  // OpenCV's codecs expect BGR channel order
    if (channels == 3) {
      cv::cvtColor(source, ordered, cv::COLOR_RGB2BGR);
    } else {
      ordered = source;
    }

    std::vector<uchar> bytes;
    if (!cv::imencode(extension, ordered, bytes, parameters) || bytes.empty()) {
      throw std::runtime_error(std::string("OpenCV " CV_VERSION " could not encode the image as ") +
                               (extension + 1));
    }
    auto encoded = at::empty({static_cast<int64_t>(bytes.size())}, at::kByte);
    std::memcpy(encoded.data_ptr(), bytes.data(), bytes.size());
    *result = wrap(std::move(encoded));
  });
}
