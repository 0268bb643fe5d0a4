// k8s-validate checks the Kubernetes manifests of a kustomization offline (issue #18 item 4), against the API
// types of k8s.io/api: every document must decode strictly (no unknown or misspelled field, every quantity and
// enum parseable) into its kind's Go type, and the deployment rules hold that a cluster would only reveal at
// rollout: images tagged by version, resources requested, GPU pools pinned by node label and tolerating the GPU
// taint, selectors that select, probes and mounts that name what exists, references between the objects
// (ConfigMaps, the ScaledObject's target, the ServiceMonitor's Service) resolved.
//
// Usage: k8s-validate DIR [DIR ...]   (each DIR holds a kustomization.yaml); exit 1 when a problem is found, one
// line each: "file: Kind/name: what".
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

const gpuResource = corev1.ResourceName("nvidia.com/gpu")

type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Namespace  string   `json:"namespace"`
	Resources  []string `json:"resources"`
	Images     []struct {
		Name    string `json:"name"`
		NewName string `json:"newName"`
		NewTag  string `json:"newTag"`
		Digest  string `json:"digest"`
	} `json:"images"`
}

// crd is the part of a custom resource the checks read; the rest of it is not checked (no schema offline).
type crd struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		ScaleTargetRef *struct {
			Name string `json:"name"`
			Kind string `json:"kind"`
		} `json:"scaleTargetRef"`
		Selector *metav1.LabelSelector `json:"selector"`
		Endpoints []struct {
			Port string `json:"port"`
		} `json:"endpoints"`
	} `json:"spec"`
}

type object struct {
	file, kind, name string
	labels           map[string]string
	pod              *corev1.PodTemplateSpec
	selector         *metav1.LabelSelector
	service          *corev1.Service
	configMap        *corev1.ConfigMap
	custom           *crd
}

type checker struct {
	problems []string
	objects  []*object
}

func (c *checker) bad(file, what string, args ...any) {
	c.problems = append(c.problems, file+": "+fmt.Sprintf(what, args...))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: k8s-validate DIR [DIR ...]  (each holding a kustomization.yaml)")
		os.Exit(2)
	}
	total := 0
	failed := false
	for _, dir := range os.Args[1:] {
		c := &checker{}
		c.kustomization(dir)
		c.crossChecks()
		for _, p := range c.problems {
			fmt.Println(p)
		}
		kinds := map[string]int{}
		for _, o := range c.objects {
			kinds[o.kind]++
		}
		var ks []string
		for k, n := range kinds {
			ks = append(ks, fmt.Sprintf("%d %s", n, k))
		}
		sort.Strings(ks)
		total += len(c.objects)
		if len(c.problems) > 0 {
			failed = true
			fmt.Printf("k8s-validate: %s: %d problem(s) in %d objects\n", dir, len(c.problems), len(c.objects))
		} else {
			fmt.Printf("k8s-validate: %s: %d objects OK (%s)\n", dir, len(c.objects), strings.Join(ks, ", "))
		}
	}
	if failed {
		os.Exit(1)
	}
}

func (c *checker) kustomization(dir string) {
	file := filepath.Join(dir, "kustomization.yaml")
	raw, err := os.ReadFile(file)
	if err != nil {
		c.bad(file, "cannot read: %v", err)
		return
	}
	var k kustomization
	if err := yaml.UnmarshalStrict(raw, &k); err != nil {
		c.bad(file, "%v", err)
		return
	}
	for _, img := range k.Images {
		if img.Digest == "" && (img.NewTag == "" || img.NewTag == "latest") {
			c.bad(file, "images: %s: newTag %q; tag images by version (or digest), never latest", img.Name, img.NewTag)
		}
	}
	if len(k.Resources) == 0 {
		c.bad(file, "resources: empty")
	}
	for _, r := range k.Resources {
		c.resourceFile(filepath.Join(dir, r))
	}
}

func (c *checker) resourceFile(file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		c.bad(file, "named in kustomization.yaml but cannot be read: %v", err)
		return
	}
	for i, doc := range bytes.Split(raw, []byte("\n---")) {
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		where := file
		if i > 0 {
			where = fmt.Sprintf("%s (document %d)", file, i+1)
		}
		c.document(where, doc)
	}
}

func stripComments(doc []byte) []byte {
	var out [][]byte
	for _, l := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(l); len(t) > 0 && t[0] != '#' {
			out = append(out, l)
		}
	}
	return bytes.Join(out, []byte("\n"))
}

// strict decodes doc into v, reporting unknown fields and bad values.
func (c *checker) strict(where string, doc []byte, v any) bool {
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		c.bad(where, "%v", err)
		return false
	}
	return true
}

func (c *checker) document(where string, doc []byte) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		c.bad(where, "not YAML: %v", err)
		return
	}
	gk := tm.APIVersion + "/" + tm.Kind
	o := &object{file: where, kind: tm.Kind}
	var meta *metav1.ObjectMeta
	switch gk {
	case "v1/Namespace":
		var x corev1.Namespace
		if !c.strict(where, doc, &x) {
			return
		}
		meta = &x.ObjectMeta
	case "v1/ConfigMap":
		var x corev1.ConfigMap
		if !c.strict(where, doc, &x) {
			return
		}
		meta, o.configMap = &x.ObjectMeta, &x
	case "v1/Secret":
		var x corev1.Secret
		if !c.strict(where, doc, &x) {
			return
		}
		meta = &x.ObjectMeta
		if len(x.Data)+len(x.StringData) > 0 {
			c.bad(where, "Secret/%s holds values: secrets are created out of band (docs/DEPLOYMENT.md), never committed", x.Name)
		}
	case "v1/Service":
		var x corev1.Service
		if !c.strict(where, doc, &x) {
			return
		}
		meta, o.service = &x.ObjectMeta, &x
	case "apps/v1/Deployment":
		var x appsv1.Deployment
		if !c.strict(where, doc, &x) {
			return
		}
		meta, o.pod, o.selector = &x.ObjectMeta, &x.Spec.Template, x.Spec.Selector
	case "apps/v1/StatefulSet":
		var x appsv1.StatefulSet
		if !c.strict(where, doc, &x) {
			return
		}
		meta, o.pod, o.selector = &x.ObjectMeta, &x.Spec.Template, x.Spec.Selector
	case "apps/v1/DaemonSet":
		var x appsv1.DaemonSet
		if !c.strict(where, doc, &x) {
			return
		}
		meta, o.pod, o.selector = &x.ObjectMeta, &x.Spec.Template, x.Spec.Selector
	case "batch/v1/Job":
		var x batchv1.Job
		if !c.strict(where, doc, &x) {
			return
		}
		meta, o.pod = &x.ObjectMeta, &x.Spec.Template
	case "policy/v1/PodDisruptionBudget":
		var x policyv1.PodDisruptionBudget
		if !c.strict(where, doc, &x) {
			return
		}
		meta, o.selector = &x.ObjectMeta, x.Spec.Selector
	case "autoscaling/v2/HorizontalPodAutoscaler":
		var x autoscalingv2.HorizontalPodAutoscaler
		if !c.strict(where, doc, &x) {
			return
		}
		meta = &x.ObjectMeta
	case "keda.sh/v1alpha1/ScaledObject", "monitoring.coreos.com/v1/ServiceMonitor":
		var x crd
		if err := yaml.Unmarshal(doc, &x); err != nil {
			c.bad(where, "%v", err)
			return
		}
		meta, o.custom = &x.Metadata, &x
	default:
		c.bad(where, "apiVersion %q kind %q: not a kind this validator knows (core, apps, batch, policy, autoscaling/v2, "+
			"KEDA ScaledObject, ServiceMonitor)", tm.APIVersion, tm.Kind)
		return
	}
	if meta.Name == "" {
		c.bad(where, "%s without metadata.name", tm.Kind)
	}
	o.name, o.labels = meta.Name, meta.Labels
	c.objects = append(c.objects, o)
	if o.pod != nil {
		c.podChecks(o)
	}
}

func (c *checker) id(o *object) string { return o.file + ": " + o.kind + "/" + o.name }

func (c *checker) podChecks(o *object) {
	id := c.id(o)
	t := o.pod
	if o.selector != nil {
		sel, err := metav1.LabelSelectorAsSelector(o.selector)
		if err != nil {
			c.problems = append(c.problems, fmt.Sprintf("%s: spec.selector: %v", id, err))
		} else if !sel.Matches(labels.Set(t.Labels)) {
			c.problems = append(c.problems, fmt.Sprintf("%s: spec.selector %s does not select the pod template's labels %v", id, sel, t.Labels))
		}
	}
	volumes := map[string]bool{}
	for _, v := range t.Spec.Volumes {
		volumes[v.Name] = true
	}
	gpu := false
	all := append(append([]corev1.Container{}, t.Spec.InitContainers...), t.Spec.Containers...)
	if len(t.Spec.Containers) == 0 {
		c.problems = append(c.problems, id+": no containers")
	}
	for _, ct := range all {
		cid := fmt.Sprintf("%s: container %s", id, ct.Name)
		image := ct.Image
		tag := ""
		if at := strings.LastIndex(image, "@"); at >= 0 {
			tag = "digest"
		} else if colon := strings.LastIndex(image, ":"); colon > strings.LastIndex(image, "/") {
			tag = image[colon+1:]
		}
		if tag == "" || tag == "latest" {
			c.problems = append(c.problems, fmt.Sprintf("%s: image %q: tag it by version (or digest), never latest or untagged", cid, image))
		}
		req := ct.Resources.Requests
		if _, ok := req[corev1.ResourceCPU]; !ok {
			c.problems = append(c.problems, cid+": resources.requests.cpu missing")
		}
		if _, ok := req[corev1.ResourceMemory]; !ok {
			c.problems = append(c.problems, cid+": resources.requests.memory missing")
		}
		if _, ok := ct.Resources.Limits[corev1.ResourceMemory]; !ok {
			c.problems = append(c.problems, cid+": resources.limits.memory missing (a leak would take the node's memory)")
		}
		g, asked := req[gpuResource]
		gl, limited := ct.Resources.Limits[gpuResource]
		if asked || limited {
			gpu = true
			if !asked || !limited || g.Cmp(gl) != 0 {
				c.problems = append(c.problems, cid+": nvidia.com/gpu must be requested and limited to the same count (an extended resource)")
			}
		}
		ports := map[string]bool{}
		for _, p := range ct.Ports {
			if p.Name != "" {
				ports[p.Name] = true
			}
		}
		for name, pr := range map[string]*corev1.Probe{"livenessProbe": ct.LivenessProbe, "readinessProbe": ct.ReadinessProbe, "startupProbe": ct.StartupProbe} {
			if pr != nil && pr.HTTPGet != nil && pr.HTTPGet.Port.StrVal != "" && !ports[pr.HTTPGet.Port.StrVal] {
				c.problems = append(c.problems, fmt.Sprintf("%s: %s port %q is not a named port of the container", cid, name, pr.HTTPGet.Port.StrVal))
			}
		}
		for _, m := range ct.VolumeMounts {
			if !volumes[m.Name] {
				c.problems = append(c.problems, fmt.Sprintf("%s: volumeMount %q names no volume of the pod", cid, m.Name))
			}
		}
	}
	if gpu {
		pinned := false
		for k := range t.Spec.NodeSelector {
			pinned = pinned || strings.HasPrefix(k, "nvidia.com/")
		}
		if a := t.Spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
			for _, term := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
				for _, e := range term.MatchExpressions {
					pinned = pinned || strings.HasPrefix(e.Key, "nvidia.com/")
				}
			}
		}
		if !pinned {
			c.problems = append(c.problems, id+": a GPU pod must be pinned to its GPU model by node label (nodeSelector or required node affinity on nvidia.com/...)")
		}
		tolerates := false
		for _, tol := range t.Spec.Tolerations {
			tolerates = tolerates || tol.Key == string(gpuResource)
		}
		if !tolerates {
			c.problems = append(c.problems, id+": a GPU pod must tolerate the nvidia.com/gpu taint")
		}
	}
}

// crossChecks resolves the references between the objects of one kustomization.
func (c *checker) crossChecks() {
	byKind := map[string]map[string]*object{}
	for _, o := range c.objects {
		if byKind[o.kind] == nil {
			byKind[o.kind] = map[string]*object{}
		}
		if byKind[o.kind][o.name] != nil {
			c.problems = append(c.problems, fmt.Sprintf("%s: %s/%s defined twice", o.file, o.kind, o.name))
		}
		byKind[o.kind][o.name] = o
	}
	workloads := []*object{}
	for _, o := range c.objects {
		if o.pod != nil {
			workloads = append(workloads, o)
		}
	}
	for _, w := range workloads {
		for _, ct := range append(append([]corev1.Container{}, w.pod.Spec.InitContainers...), w.pod.Spec.Containers...) {
			for _, ef := range ct.EnvFrom {
				if ef.ConfigMapRef != nil && (ef.ConfigMapRef.Optional == nil || !*ef.ConfigMapRef.Optional) && byKind["ConfigMap"][ef.ConfigMapRef.Name] == nil {
					c.problems = append(c.problems, fmt.Sprintf("%s: container %s: envFrom ConfigMap %q is not in the kustomization", c.id(w), ct.Name, ef.ConfigMapRef.Name))
				}
			}
			for _, e := range ct.Env {
				if e.ValueFrom != nil && e.ValueFrom.ConfigMapKeyRef != nil {
					ref := e.ValueFrom.ConfigMapKeyRef
					cm := byKind["ConfigMap"][ref.Name]
					if cm == nil {
						c.problems = append(c.problems, fmt.Sprintf("%s: env %s: ConfigMap %q is not in the kustomization", c.id(w), e.Name, ref.Name))
					} else if _, ok := cm.configMap.Data[ref.Key]; !ok {
						c.problems = append(c.problems, fmt.Sprintf("%s: env %s: ConfigMap %q has no key %q", c.id(w), e.Name, ref.Name, ref.Key))
					}
				}
			}
		}
	}
	for _, o := range c.objects {
		switch {
		case o.service != nil:
			c.serviceSelects(o, workloads)
		case o.custom != nil && o.kind == "ScaledObject":
			ref := o.custom.Spec.ScaleTargetRef
			kind := "Deployment"
			if ref != nil && ref.Kind != "" {
				kind = ref.Kind
			}
			if ref == nil || byKind[kind][ref.Name] == nil {
				c.problems = append(c.problems, fmt.Sprintf("%s: spec.scaleTargetRef names no %s of the kustomization", c.id(o), kind))
			}
		case o.custom != nil && o.kind == "ServiceMonitor":
			if o.custom.Spec.Selector == nil {
				c.problems = append(c.problems, c.id(o)+": spec.selector missing")
				continue
			}
			sel, err := metav1.LabelSelectorAsSelector(o.custom.Spec.Selector)
			found := false
			for _, s := range byKind["Service"] {
				if err == nil && sel.Matches(labels.Set(s.labels)) {
					found = true
					for _, ep := range o.custom.Spec.Endpoints {
						has := false
						for _, p := range s.service.Spec.Ports {
							has = has || p.Name == ep.Port
						}
						if ep.Port != "" && !has {
							c.problems = append(c.problems, fmt.Sprintf("%s: endpoint port %q is not a port of Service/%s", c.id(o), ep.Port, s.name))
						}
					}
				}
			}
			if !found {
				c.problems = append(c.problems, c.id(o)+": spec.selector selects no Service of the kustomization")
			}
		}
	}
}

func (c *checker) serviceSelects(s *object, workloads []*object) {
	if len(s.service.Spec.Selector) == 0 {
		return // a Service without selector (endpoints managed elsewhere)
	}
	sel := labels.SelectorFromSet(s.service.Spec.Selector)
	for _, w := range workloads {
		if !sel.Matches(labels.Set(w.pod.Labels)) {
			continue
		}
		for _, p := range s.service.Spec.Ports {
			if p.TargetPort.StrVal == "" {
				continue
			}
			has := false
			for _, ct := range w.pod.Spec.Containers {
				for _, cp := range ct.Ports {
					has = has || cp.Name == p.TargetPort.StrVal
				}
			}
			if !has {
				c.problems = append(c.problems, fmt.Sprintf("%s: port %s: targetPort %q is not a named port of %s/%s", c.id(s), p.Name, p.TargetPort.StrVal, w.kind, w.name))
			}
		}
		return
	}
	c.problems = append(c.problems, fmt.Sprintf("%s: selector %v selects no workload of the kustomization", c.id(s), s.service.Spec.Selector))
}
