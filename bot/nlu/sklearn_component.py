"""What the project's two scikit-learn components share: a fitted pipeline, kept in
Rasa's model storage with joblib and loaded back, or None when nothing was trained
(a model without NLU data)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from sklearn.pipeline import Pipeline


class SklearnPipelineComponent(GraphComponent, IntentClassifier):
    """A trainable component around one scikit-learn pipeline, saved as MODEL_FILE."""

    MODEL_FILE = "pipeline.joblib"

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 pipeline: Optional[Pipeline] = None) -> None:
        self.component_config = config
        self._model_storage, self._resource = model_storage, resource
        self._pipeline = pipeline

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SklearnPipelineComponent":
        return cls(config, model_storage, resource)

    def _keep(self, pipeline: Pipeline) -> Resource:
        """Uses the fitted pipeline from now on, and saves it with the model."""
        self._pipeline = pipeline
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(pipeline, directory / self.MODEL_FILE)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SklearnPipelineComponent":
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(directory / cls.MODEL_FILE)
        except (ValueError, FileNotFoundError):
            pipeline = None
        return cls(config, model_storage, resource, pipeline)
