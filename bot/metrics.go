package bot

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the bot's Prometheus series.
type metrics struct {
	questions   *prometheus.CounterVec
	latency     prometheus.Histogram
	feedback    *prometheus.CounterVec
	reconnects  prometheus.Counter
	rateLimited prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "futurebot_questions_total",
			Help: "Questions handled, by outcome (answered or abstained)."}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "futurebot_answer_seconds",
			Help: "Time to answer a question.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "futurebot_feedback_total",
			Help: "Feedback clicks on answers, by vote."}, []string{"vote"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{Name: "futurebot_gateway_reconnects_total",
			Help: "Gateway reconnections (resumed or re-identified)."}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{Name: "futurebot_rate_limited_total",
			Help: "Requests refused by the per-user rate limit."}),
	}
	if reg != nil {
		reg.MustRegister(m.questions, m.latency, m.feedback, m.reconnects, m.rateLimited)
	}
	return m
}
