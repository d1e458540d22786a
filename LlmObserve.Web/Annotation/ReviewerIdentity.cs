using LlmObserve.Core.Annotation;
using LlmObserve.Web.Accounts;

namespace LlmObserve.Web.Annotation;

/// <summary>
/// The reviewer on a page: the signed-in account, never a name typed in the browser, so a person cannot take, label
/// or skip items under someone else's name. Pages ask only this class who is reviewing.
/// </summary>
internal sealed class ReviewerIdentity(SignedInUser user)
{
    /// <summary>The signed-in account as a reviewer, or null when nobody is signed in.</summary>
    public async Task<Reviewer?> GetAsync()
    {
        var id = await user.GetIdAsync();
        var email = await user.GetEmailAsync();
        return string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(email)
            ? null
            : Reviewer.ForAccount(id, email);
    }
}
