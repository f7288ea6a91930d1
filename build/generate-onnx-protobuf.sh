#!/usr/bin/env bash
# Regenerates src/Microsoft.ML.CamLoss/Onnx/Protobuf/Onnx.g.cs (internal C# classes for ONNX's
# ModelProto, GraphProto, NodeProto, TensorProto, ...) from the onnx.proto that Debian's python3-onnx
# ships, with Debian's protoc. The output is committed: building needs neither tool.
# We generate rather than hand-write the protobuf encoding because the same classes both write our
# exports and read foreign models (the ImageNet ResNet-18 on NuGet), and stay exact for every field.
set -euo pipefail
cd "$(dirname "$0")/.."
proto=/usr/lib/python3/dist-packages/onnx/onnx.proto
for tool in protoc "$proto"; do
  [ -e "$tool" ] || command -v "$tool" >/dev/null || { echo "needs: apt-get install protobuf-compiler python3-onnx" >&2; exit 1; }
done
out=src/Microsoft.ML.CamLoss/Onnx/Protobuf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Our namespace for the generated classes (onnx.proto names none for C#).
sed 's/^package onnx;/package onnx;\noption csharp_namespace = "Microsoft.ML.CamLoss.Onnx.Protobuf";/' "$proto" > "$work/onnx.proto"
protoc --proto_path="$work" --csharp_out="$out" --csharp_opt=internal_access,file_extension=.g.cs "$work/onnx.proto"
echo "generated $out from $proto ($(dpkg-query -W -f='${Package} ${Version}' python3-onnx), $(protoc --version))"
