"""Import every model so that metadata (and so Alembic) sees the whole schema."""
from propmgmt.audit import AuditEntry  # noqa: F401
from propmgmt.auth.models import ApiToken  # noqa: F401
from propmgmt.auth.models import Membership  # noqa: F401
from propmgmt.auth.models import User  # noqa: F401
from propmgmt.communities.models import Building  # noqa: F401
from propmgmt.communities.models import Community  # noqa: F401
from propmgmt.communities.models import Dwelling  # noqa: F401
from propmgmt.communities.models import ModeChange  # noqa: F401
from propmgmt.communities.models import Occupancy  # noqa: F401
from propmgmt.communities.models import Organization  # noqa: F401
from propmgmt.communities.models import Person  # noqa: F401
from propmgmt.communities.models import PropertyCompany  # noqa: F401
from propmgmt.communities.models import ServiceContract  # noqa: F401
