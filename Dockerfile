# LlmObserve: one container, data on a volume.
#   docker build -t llmobserve .
#   docker run -p 8080:8080 -v llmobserve-data:/data llmobserve

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY LlmObserve.Core/LlmObserve.Core.csproj LlmObserve.Core/
COPY LlmObserve.Web/LlmObserve.Web.csproj LlmObserve.Web/
RUN dotnet restore LlmObserve.Web/LlmObserve.Web.csproj
COPY LlmObserve.Core/ LlmObserve.Core/
COPY LlmObserve.Web/ LlmObserve.Web/
RUN dotnet publish LlmObserve.Web/LlmObserve.Web.csproj -c Release -o /app --no-restore /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The aspnet image ships the unprivileged user 'app'; the data volume belongs to it.
RUN mkdir -p /data && chown app:app /data
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    LlmObserve__DataDirectory=/data
USER app
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["dotnet", "LlmObserve.Web.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "LlmObserve.Web.dll"]
