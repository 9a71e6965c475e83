# The demo server, built from this repository (used by docker-compose.yml).

# 1. Build: every dependency from the lockfile, then compile the library and the demo.
FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs an install script to build or run (the only one, @parcel/watcher under jest, is a
# no-op unless building from source), so none runs.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
COPY bench ./bench
RUN npm run build

# 2. Runtime node_modules. The library's own dependency is only dotenv; what the demo
# imports at runtime (Nest, its HTTP platform, class-validator/-transformer for its schema, prom-client for
# /metrics, reflect-metadata, rxjs) are devDependencies here (peers of the library), so `npm ci --omit=dev`
# alone would drop them. Instead: promote exactly those to dependencies, at the lockfile's versions, and
# prune everything else that is dev-only (typescript, jest, ts-jest, ts-node, @types/*, @nestjs/testing...).
# An allowlist: a new dev tool never reaches the image, and a missing runtime package fails at start.
FROM build AS runtime-deps
ARG DEMO_RUNTIME_PACKAGES="@nestjs/common @nestjs/core @nestjs/config @nestjs/platform-express @nestjs/schedule @nestjs/terminus class-transformer class-validator prom-client reflect-metadata rxjs"
RUN node -e " \
      const fs = require('node:fs'); \
      const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')); \
      for (const name of process.argv.slice(1)) { \
        if (!pkg.devDependencies[name]) throw new Error('not a devDependency: ' + name); \
        pkg.dependencies[name] = pkg.devDependencies[name]; \
        delete pkg.devDependencies[name]; \
      } \
      fs.writeFileSync('package.json', JSON.stringify(pkg, null, 2));" $DEMO_RUNTIME_PACKAGES \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# 3. Runtime: the original package.json (ESM, and the exports the demo imports the library through),
# the pruned node_modules and the compiled library and demo; no sources, no tooling.
FROM node:20-alpine
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/apps ./dist/apps
# The encrypted file cache's default directory (fileCache.path: .infisical-cache/secrets.enc), writable by
# the unprivileged user only.
RUN install -d -o node -g node -m 0700 /app/.infisical-cache
USER node
EXPOSE 3000
CMD ["node", "dist/apps/server/src/main.js"]
