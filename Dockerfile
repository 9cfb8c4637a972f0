# composemod in a container: the package packed from these sources and installed with npm, as
# users install it, on a Node 20 image.
#
#   docker build -t composemod .
#   docker run --rm -v /srv/stacks:/work composemod .                  # the diff
#   docker run --rm -v /srv/stacks:/work composemod audit .            # the audit
#   docker run --rm -v /srv/stacks:/work composemod --write .          # apply
#   docker run --rm -i composemod --stdin-filepath wiki/compose.yaml - < wiki/compose.yaml
#
# It runs as root, as composemod on the host does, so that --write may replace files owned by
# anyone; pass --user "$(id -u):$(id -g)" to write as yourself. NODE_IMAGE names another Node 20
# (or later) image: one with node and npm on the PATH and a /bin/sh.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json README.md LICENSE ./
COPY scripts/build.mjs scripts/
COPY src src
COPY transforms transforms
# the dependencies come from the cache npm ci filled where they can; dockerode, the optional
# engine client that `audit --live` loads, beside it at the version package.json asks for
RUN npm pack --silent \
 && npm install -g --prefix /opt/composemod --prefer-offline --no-audit --no-fund ./composemod-*.tgz \
      "dockerode@$(node -p 'require("./package.json").peerDependencies.dockerode')"

FROM ${NODE_IMAGE}
COPY --from=build /opt/composemod /opt/composemod
ENV PATH=/opt/composemod/bin:$PATH
WORKDIR /work
ENTRYPOINT ["composemod"]
CMD ["--help"]
