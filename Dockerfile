# syntax=docker/dockerfile:1
# Images for the Neural Programmer silo and the np client console (two targets of one build):
#   docker build --target silo   -t neural-programmer/silo:0.1.0 .
#   docker build --target client -t neural-programmer/client:0.1.0 .
# The Ubuntu 24.04 ("noble") .NET images have a libstdc++ with GLIBCXX_3.4.32 and newer, so TorchSharp's native
# library loads as shipped: the Debian 12 fix in build/TorchSharpNativeFix.targets detects that and does nothing.
ARG VERSION=0.1.0

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS restore
WORKDIR /src
# Project files first, so that the package restore is a cached layer that only changes with them.
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY Model/NeuralProgrammer.Model.csproj Model/
COPY Grains.Interfaces/NeuralProgrammer.Grains.Interfaces.csproj Grains.Interfaces/
COPY Grains/NeuralProgrammer.Grains.csproj Grains/
COPY Silo/NeuralProgrammer.Silo.csproj Silo/
COPY Client/NeuralProgrammer.Client.csproj Client/
RUN dotnet restore Silo/NeuralProgrammer.Silo.csproj -r linux-x64 \
 && dotnet restore Client/NeuralProgrammer.Client.csproj -r linux-x64
COPY . .

FROM restore AS publish-silo
RUN dotnet publish Silo/NeuralProgrammer.Silo.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /out

FROM restore AS publish-client
RUN dotnet publish Client/NeuralProgrammer.Client.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /out

# The silo: Orleans + ASP.NET Core. Ports: 8080 HTTP (/healthz, /metrics, /dashboard), 11111 silo-to-silo, 30000 gateway.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS silo
ARG VERSION
LABEL org.opencontainers.image.title="neural-programmer-silo" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="Neural Programmer training silo (Orleans + TorchSharp)"
WORKDIR /app
COPY --from=publish-silo /out ./
# Writable place for checkpoints and exports (a volume in compose and Kubernetes); the app itself stays read-only.
RUN mkdir -p /data/checkpoints && chown -R "$APP_UID" /data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    NP_Silo__ListenAddress=0.0.0.0 \
    NP_Silo__SiloPort=11111 \
    NP_Silo__GatewayPort=30000
EXPOSE 8080 11111 30000
# APP_UID (1654, user "app") is the non-root user that the official .NET images define.
USER $APP_UID
# The image has no curl or wget: the silo binary probes its own /healthz (exit 0 on 200).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["dotnet", "/app/NeuralProgrammer.Silo.dll", "--health-check"]
ENTRYPOINT ["dotnet", "/app/NeuralProgrammer.Silo.dll"]

# The np console. ASP.NET runtime too, since np can embed an in-process silo when no cluster is named.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS client
ARG VERSION
LABEL org.opencontainers.image.title="neural-programmer-client" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="Neural Programmer console (np)"
WORKDIR /app
COPY --from=publish-client /out ./
RUN mkdir -p /data/checkpoints && chown -R "$APP_UID" /data
# Results and exports land in the working directory: the checkpoints volume.
WORKDIR /data/checkpoints
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/np.dll"]
