"""Model discovery: serving-endpoint listing → Models (families table, config overrides, disk cache)."""

from brickgate.catalog.catalog import Catalog
from brickgate.catalog.model import Model
from brickgate.catalog.settings import CatalogSettings, CustomEndpoint, ModelOverride, load_settings

__all__ = ["Catalog", "CatalogSettings", "CustomEndpoint", "Model", "ModelOverride", "load_settings"]
