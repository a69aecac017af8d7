"""Imports every feature's models so metadata (and Alembic) sees all tables."""

from .accounts.mfa.models import Passkey, RecoveryCode, TotpFactor  # noqa: F401
from .accounts.models import Membership, User  # noqa: F401
from .applications.models import (  # noqa: F401
    Application,
    ApplicationEvent,
    Attachment,
    Beneficiaries,
    BudgetLine,
)
from .campaigns.models import (  # noqa: F401
    Campaign,
    CampaignBudgetLine,
    CampaignEvent,
    CampaignPhoto,
    FigureTotal,
    PageChange,
    ProgrammeFunding,
)
from .devices.models import (  # noqa: F401
    CheckInDue,
    Device,
    DeviceCheckIn,
    DeviceEvent,
    Handover,
)
from .donors.models import CampaignUpdate, CampaignUpdatePhoto, DonorErasure  # noqa: F401
from .gifts.models import OfflineGift  # noqa: F401
from .governance.actions.models import ActionItem, ActionItemEvent  # noqa: F401
from .governance.models import (  # noqa: F401
    AgendaAttachment,
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    Meeting,
    Resolution,
    ResolutionLink,
)
from .governance.sessions.models import PublicSession, SessionRegistration  # noqa: F401
from .ledger.models import LedgerEntry  # noqa: F401
from .library.models import LibraryEntry, LibraryEntryEvent  # noqa: F401
from .matching.models import MatchDraw, MatchPledge  # noqa: F401
from .milestones.models import (  # noqa: F401
    Milestone,
    MilestoneEvent,
    MilestonePhoto,
    MilestoneStep,
)
from .notifications.models import OutgoingMail  # noqa: F401
from .outcomes.models import OutcomeMeasure, OutcomeReport, OutcomeReportEvent  # noqa: F401
from .payments.models import (  # noqa: F401
    Donation,
    DonationRefund,
    DonationTaxInfo,
    EventNote,
    RefundRequest,
    StripeEvent,
)
from .programmes.models import Programme, ProgrammeEvent, RubricCriterion  # noqa: F401
from .receipts.models import (  # noqa: F401
    EDonationEvent,
    EDonationRecord,
    Receipt,
    ReceiptCounter,
    TaxExport,
)
from .registry.models import (  # noqa: F401
    NetworkEvent,
    Organisation,
    Partnership,
    School,
    SchoolYearStat,
)
from .registry.school_data.models import CollectionWindow, SchoolDataEvent  # noqa: F401
from .review.models import (  # noqa: F401
    CommitteeMember,
    ConflictOfInterest,
    Rating,
    Review,
    ReviewAssignment,
    ReviewEvent,
)
from .spending.models import Disbursement, DisbursementEvent, DisbursementLine  # noqa: F401
