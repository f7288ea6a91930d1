global using Microsoft.ML.CamLoss.Testing;
