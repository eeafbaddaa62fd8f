"""The Kubernetes manifests (deploy/kubernetes/, docs/deploy.md) say what the scaled mode
does: probes on every process, the widget's paths alone behind the door, conversations
routed by their id and kept no longer than promised, and no secret written down."""
from __future__ import annotations

from typing import Dict, List

import pytest
import yaml

from bot.settings import PROJECT_ROOT

MANIFESTS = PROJECT_ROOT / "deploy" / "kubernetes"


def documents() -> List[Dict]:
    return [doc for path in sorted(MANIFESTS.glob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def of_kind(kind: str) -> List[Dict]:
    return [doc for doc in documents() if doc["kind"] == kind]


def test_every_manifest_parses_and_belongs_to_the_assistant():
    assert len(documents()) >= 10
    for doc in documents():
        assert doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "vawg-assistant", doc["metadata"]["name"]


@pytest.mark.parametrize("name, probe", [("vawg-rasa", "readinessProbe"), ("vawg-action-server", "readinessProbe"),
                                         ("vawg-dispatcher", "livenessProbe")])
def test_every_process_has_its_health_probe(name, probe):
    deployment = next(d for d in of_kind("Deployment") if d["metadata"]["name"] == name)
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert probe in container and "resources" in container
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_the_rasa_replicas_are_ready_only_once_the_model_is_loaded():
    rasa = next(d for d in of_kind("Deployment") if d["metadata"]["name"] == "vawg-rasa")
    probe = rasa["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]
    assert probe["path"] == "/webhooks/widget/"
    assert rasa["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_only_the_widget_is_public_and_each_conversation_stays_on_one_replica():
    (ingress,) = of_kind("Ingress")
    paths = [p["path"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    assert paths == ["/webhooks/widget/"]
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$arg_conversation"
    assert ingress["spec"]["tls"]


def test_conversations_expire_after_the_promised_retention():
    config = next(d for d in of_kind("ConfigMap") if d["metadata"]["name"] == "vawg-assistant-config")["data"]
    endpoints = yaml.safe_load(config["endpoints.yml"])
    assert endpoints["tracker_store"]["type"] == "redis" and endpoints["lock_store"]["type"] == "redis"
    assert endpoints["tracker_store"]["record_exp"] == int(config["CONVERSATION_RETENTION_HOURS"]) * 3600
    assert config["APP_ENV"] == "production"


def test_no_secret_is_written_down():
    (secret,) = of_kind("Secret")
    assert all(value.startswith("<") and value.endswith(">") for value in secret["stringData"].values())
    written = " ".join(yaml.safe_dump(doc) for doc in documents() if doc["kind"] != "Secret")
    for name in secret["stringData"]:
        assert f"{name}:" not in written.replace(f"${{{name}}}", ""), name
