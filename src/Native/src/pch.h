// Precompiled header: the libtorch and OpenCV headers every translation unit needs.
#pragma once
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include <opencv2/core.hpp>
#include <cstdint>
#include <string>
#include <vector>
