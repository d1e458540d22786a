using System.Globalization;
using LlmObserve.Web.Traces;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace LlmObserve.Web.Components.Pages.Traces;

/// <summary>
/// The newest traces of the project, filtered by the URL's query. New traces are announced, not inserted, so the
/// rows do not move under the reader's pointer.
/// </summary>
public sealed partial class TraceList : IDisposable
{
    private const string FilterSearch = "search";
    private const string FilterStatus = "status";
    private const string FilterSession = "session";
    private const string FilterUser = "user";

    private readonly CancellationTokenSource _disposed = new();
    private IDisposable? _watch;
    private TraceListFilters? _shownFilters;
    private bool _loaded;
    private bool _loadingMore;

    [Inject]
    private TraceListViewModel Model { get; set; } = default!;

    [Inject]
    private ViewerTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [SupplyParameterFromQuery(Name = FilterSearch)]
    public string? Search { get; set; }

    [SupplyParameterFromQuery(Name = FilterStatus)]
    public string? Status { get; set; }

    [SupplyParameterFromQuery(Name = FilterSession)]
    public string? Session { get; set; }

    [SupplyParameterFromQuery(Name = FilterUser)]
    public string? User { get; set; }

    private bool HasFilters => Search is not null || Status is not null || Session is not null || User is not null;

    private string NewTracesText => Model.NewTraceCount switch
    {
        1 => "1 new trace",
        >= TraceListViewModel.MaxCountedNewTraces =>
            $"More than {TraceListViewModel.MaxCountedNewTraces.ToString(CultureInfo.InvariantCulture)} new traces",
        var n => $"{n.ToString(CultureInfo.InvariantCulture)} new traces",
    };

    public void Dispose()
    {
        _watch?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        var filters = new TraceListFilters(Search, Status, Session, User);
        if (filters == _shownFilters)
        {
            return;
        }

        _shownFilters = filters;
        await Model.LoadAsync(filters, _disposed.Token);
        _loaded = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        // Only the interactive render gets here, so a prerendered copy of the page never subscribes.
        _watch = Model.WatchNewTraces(() => InvokeAsync(RefreshNewTracesAsync));
        if (await TimeZone.ResolveAsync(JS))
        {
            StateHasChanged();
        }
    }

    private async Task RefreshNewTracesAsync()
    {
        if (!_disposed.IsCancellationRequested && await Model.RefreshNewTraceCountAsync(_disposed.Token))
        {
            StateHasChanged();
        }
    }

    private Task ShowNewTracesAsync() => Model.ShowNewTracesAsync(_disposed.Token);

    private async Task LoadMoreAsync()
    {
        _loadingMore = true;
        try
        {
            await Model.LoadMoreAsync(_disposed.Token);
        }
        finally
        {
            _loadingMore = false;
        }
    }

    private void ApplyFilter(string name, string? value)
        => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(
            name,
            string.IsNullOrWhiteSpace(value) ? null : value.Trim()));

    private void ClearFilters()
        => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            [FilterSearch] = null,
            [FilterStatus] = null,
            [FilterSession] = null,
            [FilterUser] = null,
        }));

    private static string TraceHref(string traceId) => "traces/" + traceId;

    private void Open(string traceId) => Navigation.NavigateTo(TraceHref(traceId));
}
