{{/* The environment of one workload: (dict "root" $ "w" workload) */}}
{{- define "ff.env" -}}
{{- $root := .root -}}
{{- $w := .w -}}
{{- $v := $root.Values -}}
- { name: NODE_ENV, value: production }
- { name: HOST, value: 0.0.0.0 }
- { name: PORT, value: {{ $w.port | quote }} }
- { name: LOG_LEVEL, value: {{ $v.logLevel | quote }} }
- { name: SIM_TIME_SCALE, value: {{ $v.simTimeScale | quote }} }
{{ include "ff.secret" (dict "root" $root "name" "SERVICE_TOKEN_SECRET") }}
{{- /* GET /metrics asks for this bearer token; without the key in the Secret, /metrics is off. */}}
- name: METRICS_TOKEN
  valueFrom:
    secretKeyRef: { name: {{ $v.existingSecret | quote }}, key: METRICS_TOKEN, optional: true }
{{- $subgraphs := dict "CUSTOMERS_URL" (printf "%s/graphql" (include "ff.url" (list $root "customers" $v.customers.port))) "ORDERS_URL" (printf "%s/graphql" (include "ff.url" (list $root "orders" $v.orders.port))) "FACTORY_URL" (printf "%s/graphql" (include "ff.url" (list $root "factory" $v.factories.port))) }}
{{- if eq $w.name "gateway" }}
{{- /* Users' tokens stop at the gateway: only it verifies them. */}}
{{ include "ff.secret" (dict "root" $root "name" "JWT_SECRET") }}
{{- if $v.auth.jwksUrl }}
- { name: JWKS_URL, value: {{ $v.auth.jwksUrl | quote }} }
{{- end }}
- { name: CUSTOMERS_URL, value: {{ $subgraphs.CUSTOMERS_URL | quote }} }
- { name: ORDERS_URL, value: {{ $subgraphs.ORDERS_URL | quote }} }
- { name: FACTORY_URL, value: {{ $subgraphs.FACTORY_URL | quote }} }
- { name: SUPERGRAPH_PATH, value: /etc/factory-floor/supergraph.graphql }
{{- if gt (int $v.gateway.workers) 1 }}
- { name: GATEWAY_WORKERS, value: {{ $v.gateway.workers | quote }} }
{{- end }}
{{- if $v.gateway.corsOrigins }}
- { name: CORS_ORIGINS, value: {{ $v.gateway.corsOrigins | quote }} }
{{- end }}
{{- else if eq $w.name "customers" }}
{{ include "ff.databaseUrl" (dict "root" $root "name" "DATABASE_URL" "values" "postgres") }}
{{- else if eq $w.name "orders" }}
{{ include "ff.databaseUrl" (dict "root" $root "name" "DATABASE_URL" "values" "postgres") }}
{{ include "ff.databaseUrl" (dict "root" $root "name" "MONGODB_URL" "values" "mongodb") }}
- { name: CUSTOMERS_URL, value: {{ $subgraphs.CUSTOMERS_URL | quote }} }
- { name: FACTORY_URL, value: {{ $subgraphs.FACTORY_URL | quote }} }
{{- if $v.factories.perProcess }}
{{- /* Production requests go straight to the process that runs each factory. */}}
{{- range $v.factories.ids }}
- { name: FACTORY_URL_{{ upper . }}, value: {{ printf "%s/graphql" (include "ff.url" (list $root (printf "factory-%s" .) $v.factories.port)) | quote }} }
{{- end }}
{{- end }}
- { name: FACTORY_CLIENT_NAME, value: {{ $v.orders.factoryClientName | quote }} }
{{ include "ff.secret" (dict "root" $root "name" "FACTORY_CLIENT_SECRET") }}
{{- range $v.factories.ids }}
{{ include "ff.secret" (dict "root" $root "name" (printf "WEBHOOK_SECRET_%s" (upper .))) }}
{{- end }}
- { name: RANDOM_ORDERS_EVERY, value: {{ $v.orders.randomOrdersEvery | quote }} }
{{- else if $w.readFactories }}
{{- /* The read-only factory API: no factory of its own, so no lease, jobs, webhooks or client registration. */}}
{{ include "ff.databaseUrl" (dict "root" $root "name" "MONGODB_URL" "values" "mongodb") }}
- { name: FACTORIES, value: '' }
- { name: READ_FACTORIES, value: {{ join "," $w.readFactories | quote }} }
- { name: PRODUCTION_LINES, value: {{ $v.factories.productionLines | quote }} }
- { name: FACTORY_BOOTSTRAP_CLIENT, value: 'off' }
{{- else }}
{{ include "ff.databaseUrl" (dict "root" $root "name" "MONGODB_URL" "values" "mongodb") }}
- { name: FACTORIES, value: {{ join "," $w.factories | quote }} }
- { name: PRODUCTION_LINES, value: {{ $v.factories.productionLines | quote }} }
- { name: ORDERS_WEBHOOK_URL, value: {{ printf "%s/webhooks/production" (include "ff.url" (list $root "orders" $v.orders.port)) | quote }} }
{{- /* The order service's credential, registered at start-up: the same name and secret orders sends. */}}
- { name: FACTORY_CLIENT_NAME, value: {{ $v.orders.factoryClientName | quote }} }
{{ include "ff.secret" (dict "root" $root "name" "FACTORY_CLIENT_SECRET") }}
- { name: FACTORY_BOOTSTRAP_CLIENT, value: '$(FACTORY_CLIENT_NAME):$(FACTORY_CLIENT_SECRET)' }
{{- range $w.factories }}
{{ include "ff.secret" (dict "root" $root "name" (printf "WEBHOOK_SECRET_%s" (upper .))) }}
{{- end }}
{{- end }}
{{- range $name, $value := (index $v $w.values).env }}
- { name: {{ $name }}, value: {{ $value | quote }} }
{{- end }}
{{- end }}
