namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Malformed pickle data (a wrong type on the stack, a bad argument to a rebuild function ...).
/// Internal: the <see cref="Unpickler"/> turns it into a <see cref="CheckpointFormatException"/>
/// that names the file and the position.
/// </summary>
internal sealed class InvalidPickleException(string message) : Exception(message);
