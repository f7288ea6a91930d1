#!/usr/bin/env bash
# Packs Microsoft.ML.CamLoss into a local feed, then builds and runs a throwaway console app that
# references only that package and TorchSharp-cpu (as a user would) and trains one step.
# Proves that a package consumer on this machine (Debian 12 included) needs nothing else: no
# environment variables, no LD_PRELOAD, no manual fix. Usage: build/check-package.sh [work folder]
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
feed="$work/feed"
app="$work/consumer"
mkdir -p "$feed" "$app"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# A version of its own per run: the NuGet cache keeps whatever an earlier run packed under the same version.
version=0.0.0-local.$(date +%s)
dotnet pack src/Microsoft.ML.CamLoss -c Release -o "$feed" -p:Version=$version

cat > "$app/consumer.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <NoWarn>NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.ML.CamLoss" Version="$version" />
    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
  </ItemGroup>
</Project>
PROJECT

cat > "$app/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
CONFIG

cat > "$app/Program.cs" <<'CODE'
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using static TorchSharp.torch;

torch.manual_seed(1);
using var network = new CifarResNet(depth: 8, numClasses: 10);
using var sgd = torch.optim.SGD(network.parameters(), 0.1, momentum: 0.9);
using var scope = torch.NewDisposeScope();
var images = torch.randn(4, 3, 32, 32);
var labels = torch.tensor(new long[] { 0, 1, 2, 3 });
using var output = network.forward(images);
using var loss = new CamLossFunction().Compute(output.Last, network.Classifier.weight!, output.Logits, labels, alpha: 3);
sgd.zero_grad();
loss.Total.backward();
sgd.step();
Console.WriteLine($"one training step: loss {loss.Total.item<float>():F4} (cross-entropy {loss.CrossEntropy.item<float>():F4}, CAM {loss.Cam.item<float>():F4})");
Console.WriteLine($"ImageNet weights: {ImageNetWeights.ModelDirectory ?? "not found"}");
CODE

(cd "$app" && env -i PATH="$PATH" HOME="$HOME" dotnet run -c Release)
# The ImageNet weights' package (a dependency) copies its model files into the consumer's output.
test -f "$app/bin/Release/net10.0/DnnImageModels/ResNet18Onnx/ResNet18.onnx" || { echo "check-package: DnnImageModels/ missing from the consumer's output" >&2; exit 1; }
echo "check-package: the packed library and TorchSharp-cpu trained one step in $app"
