{{- define "ff.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{ else }}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{ end }}
{{- end }}

{{- define "ff.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* The in-cluster base URL of a component's Service: (list $ "orders" port) */}}
{{- define "ff.url" -}}
{{- $root := index . 0 -}}
http://{{ include "ff.fullname" $root }}-{{ index . 1 }}:{{ index . 2 }}
{{- end }}

{{/* Every workload the chart runs: name, program entry point, port, and its values block. */}}
{{- define "ff.workloads" -}}
{{- $v := .Values -}}
- { name: gateway, entry: gateway/src/index.ts, port: {{ $v.gateway.port }}, values: gateway, scales: true }
- { name: customers, entry: subgraphs/customers/src/index.ts, port: {{ $v.customers.port }}, values: customers, scales: true }
- { name: orders, entry: subgraphs/orders/src/index.ts, port: {{ $v.orders.port }}, values: orders, scales: true }
{{- if $v.factories.perProcess }}
{{- /* Reads of every factory from a scalable API; production from one process per factory. */}}
- { name: factory, entry: subgraphs/factory/src/index.ts, port: {{ $v.factories.port }}, values: factoryApi, scales: true, factories: [], readFactories: {{ toJson $v.factories.ids }} }
{{- range $v.factories.ids }}
- { name: factory-{{ . }}, entry: subgraphs/factory/src/index.ts, port: {{ $v.factories.port }}, values: factories, factories: [{{ . }}] }
{{- end }}
{{- else }}
- { name: factory, entry: subgraphs/factory/src/index.ts, port: {{ $v.factories.port }}, values: factories, factories: {{ toJson $v.factories.ids }} }
{{- end }}
{{- end }}

{{- define "ff.secret" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef: { name: {{ required "existingSecret: the name of a Secret holding JWT_SECRET, SERVICE_TOKEN_SECRET, ... (see values.yaml)" .root.Values.existingSecret | quote }}, key: {{ .name }} }
{{- end }}

{{/* A database URL: a plain value, or a key of a Secret when it carries a password. */}}
{{- define "ff.databaseUrl" -}}
{{- $db := index .root.Values .values -}}
- name: {{ .name }}
{{- if $db.urlSecret.name }}
  valueFrom:
    secretKeyRef: { name: {{ $db.urlSecret.name | quote }}, key: {{ $db.urlSecret.key | quote }} }
{{- else }}
  value: {{ required (printf "%s.url or %s.urlSecret.name: where the external database is" .values .values) $db.url | quote }}
{{- end }}
{{- end }}
