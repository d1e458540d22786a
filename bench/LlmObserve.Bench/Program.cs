using LlmObserve.Bench;

return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(BenchArguments.Parse(args.Skip(1).ToArray())),
    "explore" => await ExploreBenchmark.RunAsync(args.Skip(1).ToArray()),
    "dashboard" => await DashboardBenchmark.RunAsync(args.Skip(1).ToArray()),
    "groundedness" => GroundednessBenchmark.Run(args.Skip(1).ToArray()),
    "evaluations" => await EvaluationBenchmark.RunAsync(args.Skip(1).ToArray()),
    "drift" => DriftBenchmark.Run(args.Skip(1).ToArray()),
    "languages" => LanguageBenchmark.Run(args.Skip(1).ToArray()),
    "features" => await FeatureBenchmark.RunAsync(args.Skip(1).ToArray()),
    "embed" => EmbeddingBenchmark.Run(args.Skip(1).ToArray()),
    "drift-monitor" => await DriftMonitorBenchmark.RunAsync(args.Skip(1).ToArray()),
    "purge" => await RetentionBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench/LlmObserve.Bench -- ingest [options]
          --seconds N         length of each measured phase (default 20)
          --traces N          most traces sent in each phase (default 200000)
          --senders N         concurrent senders at full speed (default 8)
          --batch-traces N    traces per request or batch, 6 spans each (default 10)
          --synchronous L     SQLite synchronous level for every row (default FULL)
          --raw-tx N          spans per transaction of the raw baseline (default 5000)
          --phases LIST       which of raw,writer,http to run (default all three)
          --page-size N       create every fresh database with this SQLite page size (default: SQLite's)
          --redact            switch every built-in redaction detector on for the bench project
               dotnet run -c Release --project bench/LlmObserve.Bench -- explore [options]
          --traces N          traces in the store (default 1000000)
          --store DIR         keep the filled store in DIR and reuse it next time (default: a temp folder)
          --phases LIST       which of queries,open to run (default both)
          --runs N            browser opens of the big trace after the first one (default 10)
               dotnet run -c Release --project bench/LlmObserve.Bench -- dashboard [--traces 1000000]
               dotnet run -c Release --project bench/LlmObserve.Bench -- groundedness [options]
          --seconds N         length of the throughput phase (default 10)
          --data PATH         HaluEval QA lines (default: reference/halueval-qa-dev.jsonl in the repository)
          --errors            print each misclassified answer with its signals
          --absent-factor X, --restatement-support X, --threshold X   override GroundednessOptions
               dotnet run -c Release --project bench/LlmObserve.Bench -- evaluations [options]
          --traces N          traces the job scores after a warm-up (default 300, at most 5000)
          --offline-concurrency N   the job's offline workers (default 1, the product's default)
          --data PATH         HaluEval QA lines, sent as RAG traces (default as for groundedness)
               dotnet run -c Release --project bench/LlmObserve.Bench -- drift [options]
          --values N          values per window for the column tests (default 5000)
          --vectors N         384-dim vectors per window for the embedding and topic measures (default 2000)
          --runs N            timed runs per measure; the median is printed (default 3)
               dotnet run -c Release --project bench/LlmObserve.Bench -- languages --mode low|high
               dotnet run -c Release --project bench/LlmObserve.Bench -- features [options]
          --traces N          traces featured after a warm-up (default 500, at most 5000)
          --concurrency N     the job's workers (default 1, the product's default)
          --data PATH         HaluEval QA lines (default as for groundedness)
               dotnet run -c Release --project bench/LlmObserve.Bench -- drift-monitor [options]
          --traces N          traces per window, features already stored (default 100000)
          --runs N            timed runs of the monitor (default 3)
               dotnet run -c Release --project bench/LlmObserve.Bench -- purge [options]
          --old-traces N      traces older than the retention, refilled before each round (default 20000)
          --seconds N         length of each phase (default 10)
          --batches-per-second N   paced OTLP requests of 10 traces (default 20)
          --rounds N          A/B rounds (default 2)
          --purge-batch N     traces per purge transaction (default 100, the product's default)
        """);
    return 2;
}
