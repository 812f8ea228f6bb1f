{{/*
Written for kreveal's fixture, not copied from helm/examples: _helpers.tpl includes
"hello-world.chart" but the copied version does not define it. The definition below is the one
that charts made with `helm create` carry.
*/}}
{{- define "hello-world.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}
