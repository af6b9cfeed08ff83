"""Monitoring models, one aggregate per module."""
from propmgmt.monitoring.models.facilities import Facility
from propmgmt.monitoring.models.facilities import FacilityCondition
from propmgmt.monitoring.models.indicators import Alert
from propmgmt.monitoring.models.indicators import CommunityIndicators
from propmgmt.monitoring.models.indicators import Evaluation
from propmgmt.monitoring.models.inspections import InspectionFinding
from propmgmt.monitoring.models.inspections import InspectionPlan
from propmgmt.monitoring.models.inspections import InspectionTask
from propmgmt.monitoring.models.renovation import RenovationItem
from propmgmt.monitoring.models.renovation import RenovationProject
from propmgmt.monitoring.models.renovation import RenovationReport

__all__ = ["Alert", "CommunityIndicators", "Evaluation", "Facility", "FacilityCondition",
           "InspectionFinding", "InspectionPlan", "InspectionTask", "RenovationItem",
           "RenovationProject", "RenovationReport"]
