namespace LlmObserve.Core.Outbound;

/// <summary>
/// A destination the outbound rules refuse; the message names the host, the address and the rule. An
/// <see cref="IOException"/> so that HTTP and SMTP clients report it as the failure to connect that it is.
/// </summary>
public sealed class OutboundRefusedException(string message) : IOException(message);
