{{/* Names and labels shared by the chart's objects. */}}
{{- define "rentguy-crm.fullname" -}}
{{- printf "%s-crm" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rentguy-crm.labels" -}}
app.kubernetes.io/name: rentguy-crm
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/part-of: rentguy-crm
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
rentguy.nl/tenant: {{ .Values.tenant.slug | quote }}
{{- end -}}

{{- define "rentguy-crm.selector" -}}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: {{ .component | quote }}
{{- end -}}
