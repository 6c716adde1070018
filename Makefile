# zhicheng: make run (demo on embedded SQLite), make test, make lint, make generate.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKGS        := ./...

.PHONY: run build plugins test race lint generate clean screenshots

## run: serve the demo tenant 湘西州 on embedded SQLite at http://127.0.0.1:8080
run: plugins
	$(GO) run ./cmd/zhicheng demo

## build: build the server and the plugin checker into bin/, the reference sync plugin into bin/plugins/
build: plugins
	$(GO) build -o bin/ ./cmd/zhicheng ./cmd/zhicheng-plugin-check

## plugins: build the reference sync plugin into the default plugin folder, bin/plugins/
plugins:
	$(GO) build -o bin/plugins/ ./cmd/zhicheng-sync-sql

## test: run every test; MySQL runs use MariaDB at 127.0.0.1:3306 when it answers
test:
	$(GO) test -count=1 -timeout 30m $(PKGS)

## race: the tests under the race detector
race:
	$(GO) test -race -count=1 -timeout 60m $(PKGS)

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

## generate: regenerate the ent client and the sync plugins' gRPC code (needs protoc)
generate:
	$(GO) generate ./ent/... ./plugins/...

clean:
	rm -rf bin data

## screenshots: retake docs/screenshots/*.png from the browser tests
screenshots:
	ZHICHENG_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run 'TestBrowser' ./server/
