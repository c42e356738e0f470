"""Proof of every tests/daharness.py helper, on docassemble.base's own example interviews
(so it passes whatever state our interview is in)."""
import os
import shutil

import pikepdf
import pytest
from PIL import Image

import daharness as da

EXAMPLES = 'docassemble.base:data/questions/examples/'
HAS_LIBREOFFICE = shutil.which('libreoffice') is not None and shutil.which('pandoc') is not None


@pytest.fixture
def pdf_2_pages(tmp_path):
    path = tmp_path / 'deux pages.pdf'
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    pdf.save(path)
    return path


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / 'photo.jpg'
    Image.new('RGB', (40, 30), 'red').save(path)
    return path


def test_interview_name():
    assert da.interview_name('rdvrefere.yml') == 'docassemble.rdvrefere:data/questions/rdvrefere.yml'
    assert da.interview_name(EXAMPLES + 'upload.yml') == EXAMPLES + 'upload.yml'


def test_questions_fields_and_answers_on_a_list_gathering():
    s = da.start(EXAMPLES + 'gather-fruit.yml')
    assert s.question_type == 'yesno'
    assert s.question_text.startswith('Are there any fruit')
    assert s.fields == ['fruit.there_are_any'] and s.sought == 'fruit.there_are_any'
    s.answer(True)
    assert s.question_type == 'fields'
    assert s.raw_fields == ['fruit[i]'] and s.fields == ['fruit[0]'] and s.sought == 'fruit[0]'
    assert s.field_info[0]['label'] == 'Fruit' and s.field_info[0]['datatype'] == 'text'
    s.answer('apple')                       # positional: the fields in order
    s.answer(True)                          # there_is_another
    assert s.sought == 'fruit[1]'
    s.answer({'fruit[i]': 'pear'})          # by name, as written in the YAML
    st = s.answer(False)
    assert st.question.question_type == 'deadend'
    # the harness speaks the server's language, French (scripts/server.sh): docassemble's nice_number
    assert 'deux' in s.question_text
    assert s.subquestion_text == 'The fruits are apple et pear.'
    assert s.eval('fruit.number()') == 2


def test_set_run_eval_get():
    s = da.start(EXAMPLES + 'gather-fruit.yml')   # objects blocks run on the first screen
    s.run('fruit.append("kiwi")')
    s.set({'fruit.there_are_any': True, 'fruit.there_is_another': False})
    assert s.get('fruit.gathered') is None          # undefined -> default
    s.next()
    assert s.question_type == 'deadend', s.screen()
    assert s.subquestion_text == 'The fruits are kiwi.'
    assert s.eval('fruit[0].upper()') == 'KIWI'
    s.set(extra=41).run('extra += 1')
    assert s.get('extra') == 42


def test_upload_single_file_like_the_web_server(pdf_2_pages):
    s = da.start(EXAMPLES + 'upload.yml')
    assert s.fields == ['user_picture'] and s.field_info[0]['datatype'] == 'file'
    s.upload('user_picture', pdf_2_pages)
    assert s.eval('type(user_picture).__name__') == 'DAFileList'
    assert s.eval('user_picture[0].instanceName') == 'user_picture[0]'
    assert s.eval('user_picture[0].filename') == 'deux pages.pdf'
    assert s.eval('user_picture[0].extension') == 'pdf'
    assert s.eval('user_picture[0].mimetype') == 'application/pdf'
    path = s.eval('user_picture.path()')         # DAFile(List).path() works
    assert path.startswith(str(da.FILES_DIR)) and path.endswith('/file.pdf')
    with open(path, 'rb') as a, open(pdf_2_pages, 'rb') as b:
        assert a.read() == b.read()
    assert s.eval('user_picture[0].num_pages()') == 2
    assert s.eval('user_picture.size_in_bytes()') == os.path.getsize(pdf_2_pages)
    s.next()
    assert s.question_type == 'deadend' and 'adorable' in s.question_text


def test_upload_several_files_and_docassemble_file_functions(pdf_2_pages, photo):
    s = da.start(EXAMPLES + 'upload-multiple.yml')
    s.upload('user_pictures', pdf_2_pages, photo, filenames=['Pièce 1.pdf', 'Photo.JPEG'])
    assert s.eval('len(user_pictures)') == 2
    assert s.eval('user_pictures[1].extension') == 'jpg'             # the server's rules
    assert s.eval('user_pictures[1].filename') == 'Photo.JPEG'
    assert s.eval('user_pictures[0].filename') == 'Pièce 1.pdf'
    with Image.open(s.eval('user_pictures[1].path()')) as im:
        assert im.size == (40, 30)
    # files docassemble creates itself (DAFile.initialize / copy_into / commit) work too
    s.run("combined = pdf_concatenate(user_pictures[0], user_pictures[0], filename='dossier.pdf')")
    assert s.eval('combined.filename') == 'dossier.pdf'
    with pikepdf.open(s.eval('combined.path()')) as pdf:
        assert len(pdf.pages) == 4
    s.run("note = DAFile('note'); note.initialize(filename='note.txt'); note.write('bonjour'); note.commit()")
    assert s.eval('note.slurp()') == 'bonjour'
    s.next()
    assert s.question_type == 'deadend'


def test_attachments_signature_and_choices():
    s = da.start(EXAMPLES + 'docx-template.yml')
    assert s.question_type == 'settrue'
    s.answer()                                         # a Continue-only screen
    answers = {'adverse_party.name.first': 'Bob', 'adverse_party.name.last': 'Jones',
               'adverse_party.address.address': '1 Main St', 'adverse_party.address.unit': '',
               'adverse_party.address.city': 'Springfield', 'adverse_party.address.state': 'IL',
               'adverse_party.address.zip': '', 'user.name.first': 'Ann', 'user.name.last': 'Smith'}
    for _ in range(10):
        if s.question_type == 'signature':
            s.sign()
            s.answer()
        elif s.question_type == 'multiple_choice':
            assert ('overpriced coffee', 'overpriced coffee') in s.buttons
            s.answer('overpriced coffee')
        elif s.question_type == 'fields':
            s.answer({name: answers[name] for name in s.fields})
        else:
            break
    assert s.question_type == 'yesno' and s.question_text == 'Here is your document.', s.screen()
    [letter] = s.attachments()
    assert letter.name == 'Your letter' and letter.filename == 'letter'
    import docx
    text = '\n'.join(p.text for p in docx.Document(letter.files['docx']).paragraphs)
    assert 'Bob Jones' in text and 'overpriced coffee' in text
    assert s.attachment_paths('docx') == [letter.files['docx']]
    if HAS_LIBREOFFICE:
        with open(letter.path('pdf'), 'rb') as fp:
            assert fp.read(5) == b'%PDF-'
        assert da.stored_path(letter.raw['file']['pdf']) == letter.files['pdf']


YAML = '''
mandatory: True
code: |
  done
---
question: Counter is ${ counter }
subquestion: |
  % if user_logged_in():
  ${ user_info().email } advocate=${ user_has_privilege('advocate') }
  % else:
  anonymous
  % endif
  from=${ url_args.get('from', 'none') }
field: done
---
code: counter = 0
---
event: increment
code: |
  counter += 1
'''


def test_content_actions_user_and_url_args():
    s = da.start(EXAMPLES + '_harness.yml', content=YAML, url_args={'from': 'mail'})
    assert s.question_text == 'Counter is 0'
    assert s.subquestion_text.split() == ['anonymous', 'from=mail']
    s.next(action='increment')
    s.next(action='increment')
    assert s.question_text == 'Counter is 2'
    t = da.start(EXAMPLES + '_harness.yml', content=YAML,
                 user={'email': 'avocat@example.com', 'roles': ['advocate']})
    assert t.subquestion_text.split()[:2] == ['avocat@example.com', 'advocate=True']


def test_dastore_is_kept_in_memory_outside_the_answers():
    s = da.start(EXAMPLES + '_harness.yml', content=YAML)
    s.run("DAStore('s', base='session').set('k', [1, 2])")
    assert s.eval("DAStore('s', base='session').get('k')") == [1, 2]
    assert s.eval("DAStore('s', base='session').defined('autre')") is False


def test_server_only_services_fail_clearly():
    s = da.start(EXAMPLES + '_harness.yml', content=YAML)
    with pytest.raises(da.HarnessHookMissing):
        s.run("background_action('nothing')")


def test_roundtrip_catches_unpicklable_variables():
    s = da.start(EXAMPLES + '_harness.yml', content=YAML)
    s.run('numbers = (n for n in range(3))')
    with pytest.raises(TypeError, match='pickle'):
        s.next()
    loose = da.start(EXAMPLES + '_harness.yml', content=YAML, roundtrip=False)
    loose.run('numbers = (n for n in range(3))')
    loose.next()


def test_broken_yaml_is_reported():
    with pytest.raises(Exception, match='(?i)question|block|syntax|yaml'):
        da.start(EXAMPLES + '_bad.yml', content='mandatory: True\nquestoin: hi\nfield: x\n')
