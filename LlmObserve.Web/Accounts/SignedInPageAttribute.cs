namespace LlmObserve.Web.Accounts;

/// <summary>
/// A page about the person themself (their password): open to anyone signed in, whatever their projects.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SignedInPageAttribute : Attribute;
