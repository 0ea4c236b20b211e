"""Capitalised words that name no one and nowhere in particular: kinds of facility ("Community
Hospital"), departments and trades ("Radiology", "Finance"), and the generic words of organisation names
("University", "Foundation").

The place, workplace and name rules all see capitalised runs; a run made only of these words is a
description, not an identifier, so each rule checks against the same lists.
"""

from __future__ import annotations

from server.domain.phi.text import word_set

GENERIC_FACILITY_WORDS = word_set(
    """
The A An Our This That Same Outside Local Rural Urban Private Public Tertiary Academic Main Her His
Their Community General Memorial Regional University Children Childrens County Veterans VA Emergency
Psychiatric State Teaching Specialty Dialysis Cancer Heart Eye Dental Urgent Care Primary Family
Pediatric Women Womens Mental Health Medical Free Walk Walk-in Rehab Rehabilitation Surgical Surgery
Orthopedic Cardiology Oncology Neurology Pain Sleep Diabetes Wound Infusion Transplant Trauma Burn
Stroke Telehealth Virtual Student Campus Employee Occupational Travel Refugee Immigrant Shelter
Prison Jail Correctional Military Army Navy Air Force Federal City Town Nearby Previous Prior
Another Other Different New Old Larger Smaller Big Small Level One Two Three I II III IV Safety Net
Charity Catholic Jewish Methodist Baptist Presbyterian Lutheran Adventist Mayo Cleveland
Residential Elderly Aged Senior Seniors Long Term Long-Term Nursing Respite Dementia Memory Day Night
"""
)

NOT_PLACE_WORDS = word_set(
    """
Radiology Pathology Dermatology Anesthesia Anaesthesia Anesthesiology Urology Nephrology Rheumatology
Gastroenterology Hematology Haematology Endocrinology Pulmonology Pharmacy Nursing Finance Sales Marketing
Retail Administration Admin Accounting Engineering Education Healthcare Logistics Security Insurance
Hospitality Manufacturing Agriculture Research Construction Banking Law Labor Labour Delivery Transport
Transportation Software Tech Technology Media Government Dentistry Oncology Cardiology Neurology Surgery
Pediatrics Paediatrics Psychiatry Obstetrics Gynecology Medicine Emergency Primary Internal Family Public
Health Housekeeping Maintenance Facilities Customer Service Food Catering Kitchen Sanitation Mining
Fishing Forestry Childcare Eldercare Home Care Hospice Rehab Real Estate Fashion Design Music Art Theater
Theatre Film Sports Fitness Science Biology Chemistry Physics Mathematics Economics Politics History
Recovery Resus Resuscitation Majors Minors Triage Remission Isolation Labour Labor Theater Pre-op Post-op
Theatres Step-down Stepdown Observation Obs Quarantine Custody Foster Crisis Shock Pain Distress Tears Bed
Bay Room Side Cubicle Hospital Clinic Ward Unit Surgery Prison Jail School College University Class Grade
Year Charge Control Hand Good Fair Poor Stable Critical Serious Agony Denial Treatment Therapy Care Rehab
Kindergarten Preschool Nursery Daycare Reception Primary Secondary Middle High Sixth Form
"""
)

GENERIC_ORG_WORDS = word_set(
    """
Medical Nursing Dental Pharmacy Public Private State Community Local Catholic Christian Baptist Methodist
Grad Graduate Undergraduate Elementary Middle High Primary Secondary Sunday Charter Boarding Night Summer
Medicine Health Science Sciences Royal National Federal International American British Caribbean Indian
Foreign Overseas Osteopathic Allopathic Residency Fellowship Program Training Nurses Physicians Surgeons
Family Internal Emergency Academic Teaching University College School Blood Food Central Main Big Small
US USMLE ECFMG AAMC ERAS VA ICU ED ER OR NICU PICU CCU MICU SICU Hospital Clinic Center Unit IT HR
Cardiology Neurology Oncology Surgery Psychiatry Pediatrics Radiology Pathology Dermatology Urology
Anesthesia Nephrology Rheumatology Endocrinology Gastroenterology Hematology Pulmonology Obstetrics
Step Clinical Basic Advanced Cardiac Life Support Trauma Team Department Service Ward Floor Division
Rounds Grand Journal Morning Noon Report Case Conference Simulation Lab Skills Anatomy Physiology
Red Cross Salvation Army YMCA YWCA Association Society Foundation Institute Organization Organisation League
Union Federation Council Committee Alliance Coalition Canadian Australian European World Heart Lung Kidney
Cancer Diabetes Stroke Alzheimer Alzheimer's Autism Arthritis Peace Corps Doctors Without Borders Navy Army
Air Force Marines Marine Corps Coast Guard National Guard Reserve Reserves Little League Pop Warner Scouts
Girl Boy Cub Brownies
Adult Child Protective Services Social Agency Mum Mom Dad Mother Father Home Hospice Housing Welfare
"""
)
